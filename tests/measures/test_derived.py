"""analytics.measures.derived: a table derived from a campaign is computed once per arguments, under a key no
other module spells, in a memo that keeps the entries used last."""

from analytics.data import campaign as campaign_module
from analytics.data.campaign import Campaign
from analytics.measures.derived import derived


def _campaign() -> Campaign:
    return Campaign.__new__(Campaign)  # the memo is all a derived table needs


def test_computed_once_per_arguments_and_seeded_from_outside():
    calls = []

    @derived
    def doubled(campaign, n):
        calls.append(n)
        return 2 * n

    c = _campaign()
    c.memo = {}
    assert (doubled(c, 3), doubled(c, 3), doubled(c, 4)) == (6, 6, 8) and calls == [3, 4]
    doubled.seed(c, 5, value=-1)
    assert doubled(c, 5) == -1 and calls == [3, 4]
    assert doubled.key(3) in c.memo and ("doubled", 3) not in c.memo  # keyed by the function, not its name


def test_the_memo_keeps_the_entries_used_last(monkeypatch):
    monkeypatch.setattr(campaign_module, "MEMO_SIZE", 2)
    c = _campaign()
    c.memo = {}
    ident = derived(lambda campaign, n: n)
    ident(c, 1), ident(c, 2), ident(c, 1), ident(c, 3)  # 2 is the one used longest ago
    assert list(c.memo) == [ident.key(1), ident.key(3)]
