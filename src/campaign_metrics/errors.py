"""The library's one error hierarchy.

Every exception is a :class:`CampaignMetricsError` and also a :class:`ValueError`, so
callers can catch either. Each keeps its data as attributes.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CampaignMetricsError",
    "ConfigurationError",
    "InputError",
    "InvalidTransition",
    "MergeError",
    "MissingDependencyError",
]


class CampaignMetricsError(Exception):
    """Base class of every error raised by campaign_metrics."""


class ConfigurationError(CampaignMetricsError, ValueError):
    """A campaign's configuration (campaign.json or a ``Campaign``) breaks a rule.

    ``field`` names the offending key when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InputError(CampaignMetricsError, ValueError):
    """A record of an input file (or a value given to a constructor) is invalid.

    The message has the form ``file:line: field 'x': expected <what>, got <value>``;
    each part is also kept as an attribute (``None`` where it does not apply).
    ``reason`` is the message without the location, as listed in
    ``data_quality.rejected``.
    """

    def __init__(
        self,
        reason: str | None = None,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
        got: object = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.expected = expected
        self.got = got
        if reason is None:
            reason = f"expected {expected}, got {_show(got)}"
        self.reason = reason
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        what = f"field '{self.field}': " if self.field is not None else ""
        return f"{where}{what}{self.reason}"

    def __reduce__(self) -> tuple[Any, ...]:
        # every part travels (an error found in a worker process is raised by the caller)
        return (
            _input_error,
            (self.reason, self.file, self.line, self.field, self.expected, self.got),
        )

    def located(self, file: str, line: int | None) -> InputError:
        """The same error, placed at ``file:line``."""
        return InputError(
            self.reason,
            file=file,
            line=line,
            field=self.field,
            expected=self.expected,
            got=self.got,
        )


def _input_error(
    reason: str,
    file: str | None,
    line: int | None,
    field: str | None,
    expected: str | None,
    got: object,
) -> InputError:
    return InputError(reason, file=file, line=line, field=field, expected=expected, got=got)


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    if isinstance(value, (str, int, float, bool)):
        return text
    return f"{text} that is a <{type(value).__name__}>"


class InvalidTransition(CampaignMetricsError, ValueError):
    """A lifecycle action is not allowed from the campaign's status (S-5)."""

    def __init__(self, status: str, action: str, detail: str = "") -> None:
        self.status = status
        self.action = action
        msg = f"cannot {action} a campaign whose status is '{status}'"
        super().__init__(f"{msg}: {detail}" if detail else msg)


class MergeError(CampaignMetricsError, ValueError):
    """Two accumulators of different campaigns or settings cannot be merged."""


class MissingDependencyError(CampaignMetricsError, ImportError):
    """An optional integration is used without its extra installed."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(f"this feature needs '{package}': pip install 'campaign-metrics[{extra}]'")
