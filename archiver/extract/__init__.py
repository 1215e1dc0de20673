"""The extract stage: pure functions from captured bytes to an ``archiver.model.Article``.

Each module here reads one kind of document (``plaintext`` for the plain-text article format;
others, such as an HTML reader, sit beside it) and returns the frozen model objects. Helpers
shared by the readers live here too: ``captions`` (is a paragraph a photo caption?) and
``language`` (which language is a text in?).

Nothing in this package touches the disk or the network, and importing it stays cheap: the
package exports nothing, so callers import the reader they need
(``from archiver.extract.plaintext import parse_plaintext``).
"""
