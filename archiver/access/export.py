"""``archiver export``: one bag shared as a WACZ and/or an oai_dc record, in one go.

The order is what makes an export safe: the outputs are checked first (never inside a bag or a
store, never replacing a file without ``overwrite``), then the bag is validated once, fully,
for both outputs, then the oai_dc record is built and checked, and only then is anything
written. Writes only the outputs; never the bag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archiver.access.bag import require_bag, require_valid
from archiver.access.oai_dc import OaiDcResult, oai_dc_document, write_oai_dc
from archiver.access.output import check_output
from archiver.access.wacz import WaczResult, write_wacz
from archiver.errors import UsageError
from archiver.model import utc_now


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_bag` wrote."""

    bag: Path | str
    wacz: WaczResult | None
    oai_dc: OaiDcResult | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``export --json``)."""
        document: dict[str, Any] = {"bag": str(self.bag)}
        if self.wacz:
            document["wacz"] = self.wacz.to_dict()
        if self.oai_dc:
            document["oai_dc"] = self.oai_dc.to_dict()
        return document

    @property
    def paths(self) -> list[Path]:
        """The files written, in order."""
        return [r.path for r in (self.wacz, self.oai_dc) if r is not None]


def export_bag(
    bag: Path | str,
    *,
    wacz: Path | None = None,
    oai_dc: Path | None = None,
    overwrite: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> ExportResult:
    """Write the bag as a WACZ at ``wacz`` and/or an oai_dc document at ``oai_dc``.

    Raises :class:`UsageError` (no output, the same file twice, an output inside a bag or a
    store, or existing without ``overwrite``), :class:`NotABagError`,
    :class:`InvalidBagError` (the bag does not validate; nothing is then written) and
    :class:`ExportError` (an output cannot be written).
    """
    outputs = [path for path in (wacz, oai_dc) if path is not None]
    if not outputs:
        raise UsageError("give --wacz FILE, --oai-dc FILE or both")
    if wacz and oai_dc and wacz.resolve() == oai_dc.resolve():
        raise UsageError("--wacz and --oai-dc must name different files")
    require_bag(bag)
    for path in outputs:
        check_output(path, bag, overwrite)
    require_valid(bag)
    document = oai_dc_document(bag) if oai_dc else None
    wacz_result = write_wacz(bag, wacz, clock=clock) if wacz else None
    oai_dc_result = write_oai_dc(oai_dc, document) if oai_dc and document else None
    return ExportResult(bag, wacz_result, oai_dc_result)
