"""A run cut by user into parts that report apart and merge exactly (the distributed path).

Every rule but three reads one user's messages at a time, so a run whose users are cut
into disjoint parts gives, part by part, report partials
(:class:`~campaign_metrics.metrics.RunPartial`) that add up to the run's. The three
that read across users are settled apart, by key:

- F-4's distinct numbers: each part's numbers go to the group of their number
  (:func:`settle`), where the user kept for a number is the one whose id sorts first;
- D-10's distinct identities: each part's ``event_id`` digests go to the group of their
  digest, where the distinct ones are counted;
- B-2's first send attempt of a campaign (where a listed control user's window starts):
  the least of the parts' (:func:`first_attempts`), given to every part before it
  reports.

The steps, each a pure function of plain values (``campaign_metrics.dask`` runs them as
tasks): fold pieces of the logs into accumulators; :func:`split_campaign` /
:func:`split_conversions` cut each by user into ``parts``; :func:`resolve_part` merges
one part's pieces and resolves them as of the run's instant (D-7, the latest record of
every piece); :func:`report_part` makes the part's partial; :func:`settle` counts each
key group; :func:`finish` adds the groups' counts to the merged partial.
"""

from __future__ import annotations

import datetime as dt
import zlib
from array import array
from collections.abc import Iterable, Sequence

import attrs

from ..gc_pause import without_gc
from ..identity import PAIR, RejectedRecord
from ..metrics.assemble import ResolvedRun, resolved_run, run_partial, selected_range
from ..metrics.funnel import Keepers, kept_counts, merge_keepers
from ..metrics.partial import RunPartial
from ..metrics.types import CampaignFacts
from ..metrics.uplift import first_attempt
from ..model import Campaign, Channel, Recipient
from .as_of import resolve
from .campaign import CampaignAccumulator, split_key
from .conversions import ConversionPool
from .resolution import campaign_facts, conversion_facts, outcome_canonical
from .routing import Router

__all__ = [
    "ConversionsPiece",
    "GroupSlice",
    "KeyCounts",
    "PartReport",
    "ResolvedPart",
    "UserLines",
    "finish",
    "first_attempts",
    "group_slice",
    "latest",
    "merge_reports",
    "report_part",
    "resolve_part",
    "settle",
    "split_campaign",
    "split_conversions",
]


class UserLines:
    """A container holding every user id that counts, per user, the lines asking.

    A conversions file read on a worker keeps every user's conversions: which users the
    run reached is known only once each part is whole (A-6). The lines of a user no
    campaign reached are then dropped and counted, as one process counts them.
    """

    __slots__ = ("lines",)

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}

    def __contains__(self, user: object) -> bool:
        if isinstance(user, str):
            lines = self.lines
            lines[user] = lines.get(user, 0) + 1
        return True


@attrs.define(slots=True)
class ConversionsPiece:
    """A conversions file, or a part of one, folded on a worker: the pool and the lines
    read per user."""

    pool: ConversionPool
    lines: dict[str, int] = attrs.field(factory=dict)
    owner: int | None = None  # the campaign whose directory holds the file, if one does


def latest(pieces: Iterable[CampaignAccumulator | ConversionsPiece]) -> int | None:
    """D-7: the latest accepted record of the run, over every folded piece."""
    times = []
    for piece in pieces:
        t = piece.pool.max_time if isinstance(piece, ConversionsPiece) else piece.max_time
        if t is not None:
            times.append(t)
        if isinstance(piece, CampaignAccumulator) and piece.conversions.max_time is not None:
            times.append(piece.conversions.max_time)
    return max(times) if times else None


def _split_pool(pool: ConversionPool, route: Router) -> dict[int, ConversionPool]:
    out = {j: ConversionPool() for j in route.targets}
    for user, records in pool.by_user.items():
        out[route(user)].by_user[user] = records
    # the counts and the rejected lines of the file go to one part, once
    level = out[route.level]
    level.records, level.max_time, level.rejected = pool.records, pool.max_time, pool.rejected
    return out


@without_gc
def split_campaign(acc: CampaignAccumulator, route: Router) -> dict[int, CampaignAccumulator]:
    """Cut one campaign's folded piece by user into the parts ``route`` can send to
    (:attr:`Router.targets`; a user's messages, unsubscribes and in-log conversions in
    one of them); the campaign-level records, the record count and the rejected lines
    go to ``route.level``."""
    out = {j: CampaignAccumulator(acc.campaign) for j in route.targets}
    multi = acc.campaign.multi_instance
    if route.own is not None and not route.shared:
        out[route.own].messages = acc.messages  # nobody shared: the piece stays whole
    else:
        for key, state in acc.messages.items():
            user: str = split_key(key)[0] if multi else key  # type: ignore[assignment]
            out[route(user)].messages[key] = state
    for unsubscribe in acc.unsubscribes:
        out[route(unsubscribe[0])].unsubscribes.add(unsubscribe)
    pools = _split_pool(acc.conversions, route)
    for j, part in out.items():
        part.conversions = pools[j]
    first = out[route.level]
    first.campaign_level, first.ignored_ids = acc.campaign_level, acc.ignored_ids
    first.timeline, first.content_api = acc.timeline, acc.content_api
    first.records, first.max_time = acc.records, acc.max_time
    first.rejected, first.notes = acc.rejected, acc.notes
    return out


@without_gc
def split_conversions(piece: ConversionsPiece, route: Router) -> dict[int, ConversionsPiece]:
    """Cut a folded conversions file by user into the parts ``route`` can send to."""
    lines: dict[int, dict[str, int]] = {j: {} for j in route.targets}
    for user, n in piece.lines.items():
        lines[route(user)][user] = n
    pools = _split_pool(piece.pool, route)
    return {j: ConversionsPiece(pools[j], n, piece.owner) for j, n in lines.items()}


def _groups(pair_sources: Iterable[bytes], groups: int) -> list[array[int]]:
    """D-10: the identities (first 8 bytes of each pair; zero: none) by key group."""
    out = [array("Q") for _ in range(groups)]
    appends = [a.append for a in out]
    chunk = b"".join(pair_sources)
    for x in memoryview(chunk).cast("Q")[:: PAIR // 8]:
        if x:
            appends[x % groups](x)
    return out


@attrs.define(slots=True)
class ResolvedPart:
    """One part of the run's users, whole and resolved as of the run's instant, with its
    identities by key group (D-10) — what :func:`report_part` needs."""

    resolved: ResolvedRun
    identities: list[list[array[int]]]  # per campaign, per key group
    conversion_identities: list[array[int]]  # per key group

    def __sizeof__(self) -> int:
        # Dask weighs where to run the part's report by the size of its views
        return 64 + 300 * sum(len(v) for v in self.resolved.views)


@without_gc
def resolve_part(
    campaigns: Sequence[Campaign],
    pieces: Sequence[Sequence[CampaignAccumulator]],
    recipients: Sequence[tuple[Sequence[Recipient], Sequence[RejectedRecord]] | None],
    conversions: Sequence[ConversionsPiece],
    *,
    as_of_us: int | None,
    date_range: tuple[dt.date, dt.date] | None,
    groups: int,
    shared_rejected: Sequence[RejectedRecord] = (),
) -> ResolvedPart:
    """Merge one part's pieces (``pieces[k]``: campaign ``k``'s) with its recipients'
    rows and rejected rows (``None``: no recipients.csv) and its conversions, drop the
    conversions of users no campaign reached (A-6), and resolve every campaign as of
    the run's instant (D-7)."""
    accs = []
    for campaign, parts, listed in zip(campaigns, pieces, recipients):
        acc = CampaignAccumulator(campaign, None if listed is None else listed[0])
        if listed is not None:
            acc.rejected.extend(listed[1])
        for part in parts:
            acc.merge_in(part, consume=True)
        accs.append(acc)
    pool = ConversionPool()
    lines: dict[str, int] = {}
    for piece in conversions:
        if piece.owner is not None and piece.pool.rejected:
            # a campaign directory's own conversions file: its bad lines are the campaign's
            accs[piece.owner].rejected.extend(piece.pool.rejected)
            piece.pool.rejected = []
        pool.merge_in(piece.pool)
        for user, n in piece.lines.items():
            lines[user] = lines.get(user, 0) + n
    for acc in accs:
        pool.merge_in(acc.conversions)
    dropped = 0
    reached = _reached(accs)
    for user, n in lines.items():
        if user not in reached and user in pool.by_user:
            # a user no campaign reached cannot convert; counted, not kept
            records = pool.by_user.pop(user)
            dropped += n
            pool.records -= n
            del records
    t = as_of_us if as_of_us is not None else -1
    views = []
    facts: list[CampaignFacts] = []
    identities = []
    for acc in accs:
        c = acc.campaign
        views.append(
            resolve(
                acc.messages.items(),
                t,
                delivery_tracked=c.delivery_tracked,
                connector=c.channel is Channel.CONNECTOR,
                selected=selected_range(c, date_range),
                outcome_canonical=outcome_canonical(c.id),
            )
        )
        part_ids = _groups([*(s.pairs for s in acc.messages.values()), *acc.campaign_level], groups)
        identities.append(part_ids)
        one = campaign_facts(acc, count_ids=False)
        # D-10: the distinct identities are counted by key group, apart (settle)
        facts.append(attrs.evolve(one, id_conflicts=one.id_conflicts + sum(map(len, part_ids))))
    conversion_ids = _groups(pool.pairs(), groups)
    conv = conversion_facts(pool, shared_rejected, dropped, count_ids=False)
    conv = attrs.evolve(conv, id_conflicts=sum(map(len, conversion_ids)))
    run = resolved_run(facts, views, conv, as_of_us=as_of_us, date_range=date_range)
    return ResolvedPart(run, identities, conversion_ids)


def _reached(accs: Sequence[CampaignAccumulator]) -> set[str]:
    """A-6: the users some campaign of the part reached, lists or saw convert."""
    out: set[str] = set()
    for acc in accs:
        out.update(split_key(k)[0] for k in acc.messages)
        if acc.recipients:
            out.update(acc.recipients)
        out.update(acc.conversions.by_user)
    return out


def first_attempts(part: ResolvedPart) -> list[int | None]:
    """B-2: each campaign's first send attempt in this part."""
    return [first_attempt(v) for v in part.resolved.views]


@attrs.define(slots=True)
class PartReport:
    """One part's partial, its F-4 numbers and D-10 identities taken out by key group."""

    partial: RunPartial
    keepers: list[list[Keepers]]  # per campaign, per key group
    identities: list[list[array[int]]]
    conversion_identities: list[array[int]]

    def __sizeof__(self) -> int:
        numbers = sum(len(g) for k in self.keepers for g in k)
        ids = sum(len(g) for k in self.identities for g in k)
        return 4096 + 100 * numbers + 8 * ids


@without_gc
def report_part(
    part: ResolvedPart, *, attribution: str, first_attempts: Sequence[int | None], groups: int
) -> PartReport:
    """The part's report partial (B-2: ``first_attempts`` are the whole run's)."""
    partial = run_partial(part.resolved, attribution=attribution, first_attempts=first_attempts)
    keepers = []
    for p in partial.campaigns:
        by_group: list[Keepers] = [{} for _ in range(groups)]
        for number, entry in p.funnel.keepers.items():
            key = number if type(number) is int else zlib.crc32(str(number).encode())
            by_group[key % groups][number] = entry
        p.funnel.keepers = {}
        keepers.append(by_group)
    return PartReport(partial, keepers, part.identities, part.conversion_identities)


@attrs.define(slots=True)
class GroupSlice:
    """One part's keys of one key group: per campaign its F-4 numbers and D-10
    identities, and the conversions' identities."""

    keepers: list[Keepers]
    identities: list[array[int]]
    conversion_identities: array[int]


def group_slice(report: PartReport, group: int) -> GroupSlice:
    """The keys of ``group`` in one part's report (what :func:`settle` reads)."""
    return GroupSlice(
        [k[group] for k in report.keepers],
        [i[group] for i in report.identities],
        report.conversion_identities[group],
    )


@attrs.define(slots=True)
class KeyCounts:
    """One key group's counts over every part: per campaign F-4's (numbers, kept Sent,
    kept Delivered) and D-10's distinct identities; the conversions' identities."""

    kept: list[tuple[int, int, int]]
    identities: list[int]
    conversion_identities: int


@without_gc
def settle(slices: Sequence[GroupSlice]) -> KeyCounts:
    """Count one key group over every part (F-4: the user whose id sorts first keeps a
    number; D-10: distinct identities)."""
    kept: list[tuple[int, int, int]] = []
    ids: list[int] = []
    campaigns = len(slices[0].keepers) if slices else 0
    for k in range(campaigns):
        keepers: Keepers = {}
        for s in slices:
            merge_keepers(keepers, s.keepers[k])
        kept.append(kept_counts(keepers))
        seen: set[int] = set()
        for s in slices:
            seen.update(s.identities[k])
        ids.append(len(seen))
    conv: set[int] = set()
    for s in slices:
        conv.update(s.conversion_identities)
    return KeyCounts(kept, ids, len(conv))


@without_gc
def merge_reports(reports: Sequence[RunPartial]) -> RunPartial:
    """The sum of parts' partials (a step of the tree reduction; consumes them)."""
    out = reports[0]
    for r in reports[1:]:
        out += r
    return out


@without_gc
def finish(partial: RunPartial, counts: Iterable[KeyCounts]) -> RunPartial:
    """Add every key group's counts to the merged partial: F-4's settled numbers and
    D-10's distinct identities (id_conflicts = distinct records with an id − ids)."""
    for group in counts:
        for p, kept, ids in zip(partial.campaigns, group.kept, group.identities):
            p.funnel.kept = tuple(a + b for a, b in zip(p.funnel.kept, kept))  # type: ignore[assignment]
            p.quality.id_conflicts -= ids + group.conversion_identities
    return partial
