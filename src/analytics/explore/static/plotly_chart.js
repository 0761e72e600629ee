// A plotly chart of the explorer (analytics.explore.plotly_script.Chart): plotly's widget bundle is not in this
// module but gzipped (base64 text) in one widget per kernel (PlotlyScript, named by the chart's `_plotly`), and is unzipped and
// imported once per page for every chart (keyed by its digest); each chart is then run by the bundle's own widget
// code, as a FigureWidget is.
const PREFIX = "IPY_MODEL_";
const imported = (globalThis.__campaignAnalyticsPlotly ??= new Map()); // digest -> Promise of the bundle

async function scriptModel(model) {
  const ref = model.get("_plotly");
  const id = typeof ref === "string" && ref.startsWith(PREFIX) ? ref.slice(PREFIX.length) : ref;
  // The kernel opens the script's widget before any chart; a saved notebook's widgets are restored together, so
  // the script's model may be a moment behind: ask again for a while.
  for (let attempt = 0; ; attempt++) {
    try {
      return await model.widget_manager.get_model(id);
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function unzipped(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const text = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Blob([await new Response(text).arrayBuffer()], { type: "text/javascript" });
}

async function load(script) {
  const url = URL.createObjectURL(await unzipped(script.get("gzipped")));
  try {
    return await import(/* webpackIgnore: true */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function bundle(script) {
  const digest = script.get("digest");
  if (!imported.has(digest)) {
    const loading = load(script);
    loading.catch(() => imported.delete(digest)); // a failed import is tried again by the next chart
    imported.set(digest, loading);
  }
  return imported.get(digest);
}

export default () => {
  let chart = null;
  return {
    async initialize(context) {
      const plotly = await bundle(await scriptModel(context.model));
      chart = plotly.default();
      return chart.initialize(context);
    },
    render(context) {
      return chart.render(context);
    },
  };
};
