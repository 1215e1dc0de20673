"""The CDXJ index of a WARC, written with cdxj-indexer: what a replay tool looks records up by.

Writes only the index file it is given; knows nothing about bags.
"""

from __future__ import annotations

from pathlib import Path


def write_cdxj_index(warc_path: Path, index_path: Path) -> None:
    """Write a sorted CDXJ index of the replayable records of ``warc_path``.

    Indexed: response, revisit and resource records (what a replay tool serves); the file name
    in each entry is the WARC's base name, so the index stays valid wherever the bag is moved.
    """
    from cdxj_indexer.main import write_cdx_index

    write_cdx_index(
        str(index_path),
        [str(warc_path)],
        {"sort": True, "records": "response,revisit,resource"},
    )
