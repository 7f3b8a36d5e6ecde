"""The report phase's fast paths equal their plain references."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_metrics.engine import count_distinct_ids
from campaign_metrics.identity import NO_ID, PAIR


def _reference_distinct_ids(pair_sources: list[bytes]) -> tuple[int, int]:
    idents = [
        pairs[i : i + 8]
        for pairs in pair_sources
        for i in range(0, len(pairs), PAIR)
        if pairs[i : i + 8] != NO_ID
    ]
    return len(idents), len(set(idents))


_ident = st.one_of(
    st.just(NO_ID),
    st.binary(min_size=8, max_size=8),
    st.sampled_from([b"\x01" * 8, b"\x00" * 7 + b"\x01", b"\xff" * 8, b"\x01" + b"\x00" * 7]),
)
_pair = st.tuples(_ident, st.binary(min_size=8, max_size=8)).map(lambda p: p[0] + p[1])
_sources = st.lists(st.lists(_pair, max_size=6).map(b"".join), max_size=40)


@given(_sources)
@settings(max_examples=300)
def test_count_distinct_ids_equals_the_reference(sources: list[bytes]) -> None:
    """D-10: identities counted as integers, in buckets, chunk by chunk, as one set."""
    assert count_distinct_ids(sources) == _reference_distinct_ids(sources)


def test_count_distinct_ids_across_chunks() -> None:
    """Pairs spread over several megabyte chunks are counted as one set."""
    import random

    rng = random.Random(7)
    idents = [rng.randbytes(8) for _ in range(5000)] + [NO_ID]
    sources = [
        b"".join(rng.choice(idents) + rng.randbytes(8) for _ in range(rng.randint(0, 8)))
        for _ in range(40_000)
    ]
    assert count_distinct_ids(sources) == _reference_distinct_ids(sources)


_keys = st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.sampled_from([None, "a", "b"]))


@given(
    st.dictionaries(
        st.sampled_from(["view_through", "click_through", "in_session"]),
        st.dictionaries(_keys, st.sets(st.binary(min_size=2, max_size=2), max_size=3)),
    ),
    st.sets(_keys),
)
def test_filtered_attribution_equals_the_restricted_one(
    by_type: dict[str, dict[tuple[str, str | None], set[bytes]]],
    wanted: set[tuple[str, str | None]],
) -> None:
    """B-1, B-3: a breakdown row's attribution by a test equals the one by a key list,
    in the same order."""
    from campaign_metrics.metrics.attribution import Attribution

    attribution = Attribution(by_type, {})
    by_test = attribution.filtered(lambda k: k in wanted).by_type
    by_list = attribution.restricted(list(wanted)).by_type
    assert by_test == by_list
    assert [list(per) for per in by_test.values()] == [list(per) for per in by_list.values()]
