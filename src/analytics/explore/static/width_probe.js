// The explorer's width probe (analytics.explore.controls.WidthProbe): tells the kernel how wide its element is,
// so that charts, which plotly draws at a fixed width, are given the width of their grid's columns.
// Small changes (scroll bars coming and going) are ignored; a resize is reported once it settles.
export default {
  render({ model, el }) {
    el.style.width = "100%";
    el.style.height = "0";
    let timer = null;
    const report = () => {
      timer = null;
      const width = Math.floor(el.getBoundingClientRect().width);
      if (width > 0 && Math.abs(width - model.get("width")) >= 8) {
        model.set("width", width);
        model.save_changes();
      }
    };
    const observer = new ResizeObserver(() => {
      if (timer === null) timer = setTimeout(report, 120);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (timer !== null) clearTimeout(timer);
    };
  },
};
