"""Which part of a distributed run a user's records go to.

A user whose records all lie in one piece of the logs (one file, or one byte range of
one) is reported where that piece was read: nothing of theirs moves. A user seen in two
pieces or more ("shared") goes to one of the hashed parts, by a stable digest of the
id, where every piece sends their records; so do the users no piece holds (recipients
without messages, conversions of users never reached). The run's campaign-level
records go to the first hashed part, once.

Logs already split by user (the cheapest layout, DESIGN.md) therefore move only the
recipients' rows and the conversions; logs split any other way are shuffled by user.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable

import attrs

from .campaign import CampaignAccumulator, split_key

__all__ = ["Router", "owners", "shared_keys", "user_key", "user_keys"]


def user_key(user_id: str) -> int:
    """A stable 64-bit digest of a user id (the same on every process, unlike
    ``hash``). Two ids with one key are only ever treated as shared: never merged.

    >>> user_key("u1") == user_key("u1"), 0 <= user_key("u1") < 2**64
    (True, True)
    """
    digest = hashlib.blake2b(user_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def user_keys(acc: CampaignAccumulator) -> array[int]:
    """The keys of the users a folded piece holds records of (messages, unsubscribes,
    conversions in the log), each once."""
    users: set[str] = set()
    if acc.campaign.multi_instance:
        users.update(split_key(k)[0] for k in acc.messages)
    else:
        users.update(acc.messages)  # type: ignore[arg-type]
    users.update(u for u, _, _ in acc.unsubscribes)
    users.update(acc.conversions.by_user)
    users.discard(None)
    return array("Q", sorted(map(user_key, users)))


class Owners:
    """A user's key → the piece holding all their records, or -1 when several do.

    Travels between processes as two flat arrays (pickled at C speed); the lookup
    table is built where it is used.
    """

    __slots__ = ("_table", "keys", "pieces")

    def __init__(self, table: dict[int, int]) -> None:
        self._table: dict[int, int] | None = table
        self.keys = array("Q", table)
        self.pieces = array("l", table.values())

    def table(self) -> dict[int, int]:
        """Key → owning piece, as a dict (built once, where it is used)."""
        if self._table is None:
            self._table = dict(zip(self.keys, self.pieces))
        return self._table

    def get(self, key: int, default: int = -1) -> int:
        """The owning piece of ``key`` (``default`` for a user no piece holds)."""
        return self.table().get(key, default)

    def shared(self) -> frozenset[int]:
        """The keys of the users seen in more than one piece."""
        return frozenset(k for k, piece in zip(self.keys, self.pieces) if piece < 0)

    def __getstate__(self) -> tuple[array[int], array[int]]:
        return self.keys, self.pieces

    def __setstate__(self, state: tuple[array[int], array[int]]) -> None:
        self.keys, self.pieces = state
        self._table = None

    def __sizeof__(self) -> int:
        return 64 + 16 * len(self.keys)


def owners(keys: Iterable[array[int]]) -> Owners:
    """Each user key's owning piece (by position in ``keys``), -1 for a shared user."""
    out: dict[int, int] = {}
    get = out.get
    for piece, piece_keys in enumerate(keys):
        for k in piece_keys:
            held = get(k)
            if held is None:
                out[k] = piece
            elif held != piece:
                out[k] = -1
    return Owners(out)


def shared_keys(owner: Owners) -> frozenset[int]:
    """The keys of the users seen in more than one piece."""
    return owner.shared()


@attrs.frozen
class Router:
    """A user id → its part: ``pieces`` owned parts, then ``hashed`` parts.

    A piece's own router (``own``) needs only the shared keys; a router for records
    read apart (recipients, conversions) needs every owner (``owner``).

    >>> Router(pieces=2, hashed=3, own=1)("u1")  # not shared: stays with piece 1
    1
    >>> 2 <= Router(pieces=2, hashed=3)("u1") < 5  # nobody owns u1: a hashed part
    True
    """

    pieces: int
    hashed: int
    owner: Owners | None = None
    own: int | None = None
    shared: frozenset[int] = frozenset()

    @property
    def parts(self) -> int:
        """Every part: the owned ones, then the hashed ones."""
        return self.pieces + self.hashed

    @property
    def targets(self) -> range | list[int]:
        """The parts this router can send a user to: a piece's own part and the hashed
        ones, or every part.

        >>> list(Router(pieces=3, hashed=2, own=1).targets)
        [1, 3, 4]
        """
        hashed = range(self.pieces, self.pieces + self.hashed)
        return range(self.parts) if self.own is None else [self.own, *hashed]

    @property
    def level(self) -> int:
        """The part of the campaign-level records (the first hashed one)."""
        return self.pieces

    def many(self, user_ids: Iterable[str]) -> list[int]:
        """The parts of many users at once (:meth:`__call__` for each, in a tight loop).

        >>> r = Router(pieces=1, hashed=2, own=0)
        >>> r.many(["u1", "u2"])
        [0, 0]
        """
        blake2b = hashlib.blake2b
        from_bytes = int.from_bytes
        pieces, hashed = self.pieces, self.hashed
        if self.own is not None and not self.shared:
            return [self.own] * len(list(user_ids))
        out: list[int] = []
        append = out.append
        shared, own = self.shared, self.own
        get = self.owner.table().get if self.owner is not None else None
        for user_id in user_ids:
            k = from_bytes(
                blake2b(user_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                "little",
            )
            if own is not None:
                if k not in shared:
                    append(own)
                    continue
            elif get is not None:
                piece = get(k, -1)
                if piece >= 0:
                    append(piece)
                    continue
            append(pieces + k % hashed)
        return out

    def __call__(self, user_id: str | None) -> int:
        if user_id is None:
            return self.pieces
        k = user_key(user_id)
        if self.own is not None:
            if k not in self.shared:
                return self.own
        elif self.owner is not None:
            piece = self.owner.get(k)
            if piece >= 0:
                return piece
        return self.pieces + k % self.hashed
