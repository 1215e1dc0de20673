"""PREMIS 3 provenance records: what happened to a bag's files, when, by which agent.

Pure: plain data in, XML bytes out. Used for ``metadata/premis.xml`` in every bag (capture,
message digest calculation, validation events, and the trusted timestamp when one was asked
for) and for exporting audit history as fixity check events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from archiver._version import SOFTWARE, __version__
from archiver.model import Capture, FileFixity, MetadataWarning, utc_iso
from archiver.xmlsafe import xml_text

PREMIS_NS = "http://www.loc.gov/premis/v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
EVENT_TYPE_AUTHORITY = "http://id.loc.gov/vocabulary/preservation/eventType"
_NSMAP = {"premis": PREMIS_NS, "xsi": XSI_NS}

# PREMIS event types (Library of Congress preservation vocabulary) and their codes.
EVENT_TYPE_CODES = {
    "capture": "cap",
    "message digest calculation": "mes",
    "validation": "val",
    "fixity check": "fix",
    "ingestion": "ing",
    "digital signature generation": "dsg",
    "digital signature validation": "dig",
}
SOFTWARE_AGENT = SOFTWARE


@dataclass(frozen=True)
class PremisEvent:
    """One preservation event concerning the bag or some of its files."""

    event_type: str  # a key of EVENT_TYPE_CODES
    moment: datetime
    detail: str
    outcome: str  # "success" or "failure"
    outcome_note: str | None = None
    objects: tuple[str, ...] = ()  # bag-relative paths the event concerns
    event_id: str | None = None
    # Notes that are each a thing of their own (a capture's problems, the metadata warnings):
    # one eventOutcomeDetail each, after outcome_note, so that a reader need not split text.
    outcome_notes: tuple[str, ...] = ()


def new_event(
    event_type: str,
    moment: datetime,
    detail: str,
    outcome: str = "success",
    *,
    note: str | None = None,
    objects: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> PremisEvent:
    """Make an event with a fresh UUID identifier (``notes``: one outcome detail each)."""
    return PremisEvent(
        event_type, moment, detail, outcome, note, objects, str(uuid.uuid4()), notes
    )


def premis_xml(
    files: tuple[FileFixity, ...],
    events: tuple[PremisEvent, ...],
    organization: str | None = None,
) -> bytes:
    """Serialise files, events and agents as one PREMIS 3 document."""
    root = etree.Element(_q("premis"), nsmap=_NSMAP, version="3.0")
    for item in files:
        _object(root, item)
    for event in events:
        _event(root, event, organization)
    _agent(root, "software", SOFTWARE_AGENT, "archiver", "software", __version__)
    if organization:
        _agent(root, "organization", organization, organization, "organization", None)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _q(name: str) -> str:
    return f"{{{PREMIS_NS}}}{name}"


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    element.text = xml_text(value)
    return element


def _identifier(parent: etree._Element, kind: str, id_type: str, value: str) -> None:
    holder = etree.SubElement(parent, _q(f"{kind}Identifier"))
    _text(holder, f"{kind}IdentifierType", id_type)
    _text(holder, f"{kind}IdentifierValue", value)


def _object(root: etree._Element, item: FileFixity) -> None:
    element = etree.SubElement(root, _q("object"))
    element.set(f"{{{XSI_NS}}}type", "premis:file")
    _identifier(element, "object", "local", item.path)
    characteristics = etree.SubElement(element, _q("objectCharacteristics"))
    for algorithm, digest in item.digests:
        fixity = etree.SubElement(characteristics, _q("fixity"))
        _text(fixity, "messageDigestAlgorithm", algorithm.upper().replace("SHA", "SHA-"))
        _text(fixity, "messageDigest", digest)
        _text(fixity, "messageDigestOriginator", SOFTWARE_AGENT)
    _text(characteristics, "size", str(item.size))
    if item.format_name:
        fmt = etree.SubElement(characteristics, _q("format"))
        designation = etree.SubElement(fmt, _q("formatDesignation"))
        _text(designation, "formatName", item.format_name)


def _event(root: etree._Element, event: PremisEvent, organization: str | None) -> None:
    element = etree.SubElement(root, _q("event"))
    _identifier(element, "event", "UUID", event.event_id or str(uuid.uuid4()))
    event_type = _text(element, "eventType", event.event_type)
    code = EVENT_TYPE_CODES.get(event.event_type)
    if code:
        event_type.set("authority", "eventType")
        event_type.set("authorityURI", EVENT_TYPE_AUTHORITY)
        event_type.set("valueURI", f"{EVENT_TYPE_AUTHORITY}/{code}")
    _text(element, "eventDateTime", utc_iso(event.moment))
    detail = etree.SubElement(element, _q("eventDetailInformation"))
    _text(detail, "eventDetail", event.detail)
    outcome = etree.SubElement(element, _q("eventOutcomeInformation"))
    _text(outcome, "eventOutcome", event.outcome)
    for text in (event.outcome_note, *event.outcome_notes):
        if text:
            note = etree.SubElement(outcome, _q("eventOutcomeDetail"))
            _text(note, "eventOutcomeDetailNote", text)
    _linking_agent(element, "software", SOFTWARE_AGENT, "executing program")
    if organization:
        _linking_agent(element, "organization", organization, "implementer")
    for path in event.objects:
        link = etree.SubElement(element, _q("linkingObjectIdentifier"))
        _text(link, "linkingObjectIdentifierType", "local")
        _text(link, "linkingObjectIdentifierValue", path)


def _linking_agent(parent: etree._Element, id_type: str, value: str, role: str) -> None:
    link = etree.SubElement(parent, _q("linkingAgentIdentifier"))
    _text(link, "linkingAgentIdentifierType", id_type)
    _text(link, "linkingAgentIdentifierValue", value)
    _text(link, "linkingAgentRole", role)


def _agent(
    root: etree._Element,
    id_type: str,
    value: str,
    name: str,
    agent_type: str,
    version: str | None,
) -> None:
    element = etree.SubElement(root, _q("agent"))
    _identifier(element, "agent", id_type, value)
    _text(element, "agentName", name)
    _text(element, "agentType", agent_type)
    if version:
        _text(element, "agentVersion", version)


def capture_detail(capture: Capture) -> str:
    """The PREMIS capture event's detail: what, how it ended, with which options (UTC)."""
    if capture.provenance:  # recorded by another tool (a crawler), not by archiver
        crawler = dict(capture.options).get("crawler") or "a crawler"
        return f"{crawler} captured {capture.source}, HTTP {capture.status} ({capture.kind})"
    detail = f"{SOFTWARE} captured {capture.source} ({capture.kind})"
    if capture.final_url:
        detail += f"; final URL {capture.final_url}, HTTP {capture.status}"
    if capture.options:
        detail += "; options: " + ", ".join(f"{k}={v}" for k, v in capture.options)
    return detail


def timestamp_event(
    url: str, moment: datetime, stamped: str, token: str, problem: str | None = None
) -> PremisEvent:
    """The event of asking the TSA at ``url`` for an RFC 3161 token over ``stamped``.

    PREMIS has no "timestamping" event type; a time-stamp token is the TSA's signature over
    a digest, so the closest term is "digital signature generation". ``moment`` is when the
    token was asked for (the time it attests is the token's own, in ``token``). The event is
    written before the answer comes, since the record is itself stamped: a bag whose request
    failed gets this event again with ``problem`` as its failure note.
    """
    detail = (
        f"RFC 3161 time-stamp token asked of the Time-Stamp Authority {url} over the sha256 of "
        f"{stamped}, which lists the digest of every other tag file (this record among them) "
        f"and so of every payload file; the token is kept as {token}, outside the tag "
        "manifests it stamps, and the time it attests is its own"
    )
    if problem is None:
        return new_event("digital signature generation", moment, detail,
                         objects=(stamped, token))
    return new_event(
        "digital signature generation",
        moment,
        detail,
        "failure",
        note=f"no token: {problem}; the bag was stored without one",
        objects=(stamped,),
    )


def bag_events(
    capture: Capture,
    payload: tuple[FileFixity, ...],
    checked_at: datetime,
    warnings: tuple[MetadataWarning, ...] = (),
) -> tuple[PremisEvent, ...]:
    """The events of a new bag: its capture (with what it could not fetch or do), its digests,
    its validation before landing, and (when the description does not say everything as the
    source gave it) the description of its metadata, with each warning."""
    described = () if not warnings else (
        new_event(
            "metadata extraction",
            capture.captured_at,
            "Dublin Core record and captions made from the captured document; what they do "
            "not hold as the source gave it (values normalised, shortened or left out, "
            "captions not sought) is noted",
            notes=tuple(w.line() for w in warnings),
        ),
    )
    ingested = () if not capture.provenance else (
        new_event("ingestion", checked_at, f"{SOFTWARE}: {capture.provenance}",
                  objects=tuple(f.path for f in payload if f.path.endswith(".warc.gz"))),
    )
    return (
        new_event(
            "capture",
            capture.captured_at,
            capture_detail(capture),
            notes=tuple(p.line() for p in capture.problems),
            objects=tuple(f.path for f in payload if f.path.endswith(".warc.gz")),
        ),
        *ingested,
        new_event(
            "message digest calculation",
            checked_at,
            "sha256 and sha512 of every payload file, one read each",
            objects=tuple(f.path for f in payload),
        ),
        new_event(
            "validation",
            checked_at,
            "full validation before the bag entered the store: BagIt structure and every "
            "checksum, the archiver profile, Dublin Core and PREMIS against their schemas, every "
            "WARC record's digests, the CDXJ index and the captions; then bagit-python's "
            "validation. A bag that fails either never enters the store",
        ),
        *described,
    )
