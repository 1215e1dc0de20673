"""Finding codes: every problem ``validate`` and ``audit`` can report, in one table.

A finding is a stable code, a severity, the bag-relative file concerned and a message
(:class:`archiver.model.Finding`). This module is the one place where codes, severities and
messages are written: for each code, a one-line description (the README's findings table is
checked against these by a test), and every message it is reported with, each with its
severity (an error makes a bag invalid, a warning does not) and a ``str.format`` template whose
fields the check fills in. :class:`Findings` is the list the checks collect findings in.

Families: B (BagIt, any bag: :mod:`archiver.bagit`), P (a BagIt profile:
:mod:`archiver.verify.profile`), D, M, W, X, C (archiver's own content checks:
:mod:`archiver.verify.content`), T (a trusted timestamp token, any bag that holds one:
:mod:`archiver.verify.timestamp`), S (the folders of a store around its bags:
:mod:`archiver.store`; their path is relative to the store). Pure data; nothing here reads a
bag.

Every finding is bounded in size, whatever a hostile bag holds: a message is cut at
:data:`MAX_MESSAGE_CHARS` characters and a path at :data:`MAX_PATH_CHARS`, each saying how
many characters were left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archiver.model import Finding, Severity

MAX_FINDINGS_PER_CODE = 1000  # beyond this, findings of one code are counted, not listed
MAX_MESSAGE_CHARS = 2000  # a finding's message, at most (then "... (N more characters)")
MAX_PATH_CHARS = 4096  # a finding's path, at most (a Linux path is at most 4096 bytes)


@dataclass(frozen=True)
class Message:
    """One way a code is reported: its severity and its message template."""

    code: str
    severity: Severity
    template: str

    def text(self, **fields: object) -> str:
        """The message with ``fields`` filled in, at most :data:`MAX_MESSAGE_CHARS` long."""
        values = {name: _bounded_field(value) for name, value in fields.items()}
        return shortened(self.template.format(**values), MAX_MESSAGE_CHARS)

    def finding(self, path: str, /, **fields: object) -> Finding:
        """A finding about ``path`` (bag-relative, '' for the bag as a whole)."""
        shown = shortened(display_path(path), MAX_PATH_CHARS)
        return Finding(self.code, self.severity, shown, self.text(**fields))


def shortened(text: str, limit: int) -> str:
    """``text`` cut at ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def _bounded_field(value: object) -> object:
    """A field value as the message shows it: text cut before it is formatted."""
    return shortened(value, MAX_MESSAGE_CHARS) if isinstance(value, str) else value


@dataclass(frozen=True)
class Code:
    """A finding code and the one line that says what it covers."""

    code: str
    description: str

    def error(self, template: str) -> Message:
        """A message of this code that makes the bag invalid."""
        return Message(self.code, Severity.ERROR, template)

    def warning(self, template: str) -> Message:
        """A message of this code that does not make the bag invalid."""
        return Message(self.code, Severity.WARNING, template)


# --- BagIt (any bag) --------------------------------------------------------------------------

B001 = Code("B001", "bagit.txt is missing")
B001_MISSING = B001.error(
    "bagit.txt is missing: every bag must declare its BagIt version and tag file encoding"
)

B002 = Code(
    "B002",
    "bagit.txt malformed: a byte-order mark, not exactly `BagIt-Version: M.N` then "
    "`Tag-File-Character-Encoding: ENC`, extra lines, an unknown encoding "
    "(warning: a version this checker does not know, a blank trailing line)",
)
B002_BOM = B002.error("starts with a byte-order mark, which is not allowed")
B002_NOT_UTF8 = B002.error("is not UTF-8 text")
B002_VERSION_LINE = B002.error("line 1 must be exactly 'BagIt-Version: M.N', found {found!r}")
B002_UNKNOWN_VERSION = B002.warning(
    "BagIt-Version {version} is not a version this checker knows; the 1.0 rules were applied"
)
B002_NO_ENCODING_LINE = B002.error("line 2 'Tag-File-Character-Encoding: ...' is missing")
B002_ENCODING_LINE = B002.error(
    "line 2 must be exactly 'Tag-File-Character-Encoding: ENCODING', found {found!r}"
)
B002_UNKNOWN_ENCODING = B002.error(
    "unknown tag file encoding {name!r}; tag files were read as UTF-8"
)
B002_EXTRA_LINES = B002.error(
    "holds {count} line(s) after the two declarations; exactly two lines are allowed"
)
B002_BLANK_LINES = B002.warning("ends with blank line(s) after the two declarations")

B003 = Code("B003", "data/ is missing or not a directory")
B003_NO_DATA = B003.error("the payload directory data/ is missing{kind}")

B004 = Code("B004", "no payload manifest, or none whose algorithm can be computed")
B004_NO_MANIFEST = B004.error("no payload manifest (manifest-ALGORITHM.txt)")
B004_NONE_COMPUTABLE = B004.error(
    "no payload manifest uses an algorithm this checker can compute: the payload's fixity "
    "cannot be verified"
)

B005 = Code(
    "B005",
    "a malformed manifest line (no digest and path, a digest that is not hex or has the wrong "
    "length), or a manifest that cannot be decoded",
)
B005_LINE = B005.error("line {line} is not 'digest path': {text!r}")
B005_DIGEST = B005.error("line {line}: {digest!r} is not a {expected}")
B005_NUL = B005.error("line {line}: path holds a NUL character")
B005_EMPTY_PATH = B005.error("line {line}: empty path")
B005_UNDECODABLE = B005.error("not valid {encoding} (the declared tag file encoding){where}")

B006 = Code("B006", "a path in a manifest or fetch.txt escapes the bag: absolute, `..`, `~`")
B006_ABSOLUTE = B006.error("line {line}: absolute path {path!r} points outside the bag")
B006_HOME = B006.error(
    "line {line}: path {path!r} starts with a home-directory shortcut and points outside the bag"
)
B006_PARENT = B006.error(
    "line {line}: path {path!r} has a '..' segment and may point outside the bag"
)

B007 = Code("B007", "a file listed in a manifest is not in the bag")
B007_MISSING = B007.error("listed in {manifests} but not in the bag")

B008 = Code("B008", "a payload file is not listed in every payload manifest")
B008_UNLISTED = B008.error("payload file not listed in any payload manifest")
B008_PARTLY_LISTED = B008.error(
    "payload file not listed in {manifests} (every payload manifest must list every payload file)"
)

B009 = Code("B009", "payload checksum mismatch")
B009_CHANGED = B009.error("payload file changed: {differences}")

B010 = Code(
    "B010", "tag file checksum mismatch (a tag file changed, told apart from payload damage)"
)
B010_CHANGED = B010.error("tag file changed: {differences}")

B011 = Code(
    "B011",
    "Payload-Oxum disagrees with data/; the missing, extra and changed files are named "
    "(warning: the gap is exactly the absent system files of B020)",
)
B011_MISMATCH = B011.error(
    "Payload-Oxum says {octets} bytes in {count} files, data/ holds {found_octets} bytes in "
    "{found_count} files{explanation}"
)
B011_SYSTEM_FILES = B011.warning(
    "Payload-Oxum says {octets} bytes in {count} files, data/ holds {found_octets} bytes in "
    "{found_count} files: the gap is the absent system files {files}"
)

B012 = Code(
    "B012", "Payload-Oxum malformed or repeated with different values (warning: missing)"
)
B012_MISSING = B012.warning(
    "no Payload-Oxum: a quick (--fast) check of the payload is not possible"
)
B012_REPEATED = B012.error("Payload-Oxum repeated with different values: {values}")
B012_MALFORMED = B012.error("Payload-Oxum {value!r} is not 'octets.count'")

B013 = Code(
    "B013",
    "a symbolic link or special file (FIFO, socket, device) in the bag, or an object whose key "
    "is no plain path inside it (`..`, `.`, an empty part); never followed or read",
)
B013_SPECIAL = B013.error("{what}: not followed or read; a bag must hold regular files only")

B014 = Code(
    "B014",
    "the same path listed twice in one manifest (warning: with the same digest, before BagIt 1.0)",
)
B014_DIFFERENT = B014.error(
    "{manifest} lists it on lines {first} and {again} with different digests"
)
B014_TWICE = B014.error(
    "{manifest} lists it on lines {first} and {again}; BagIt 1.0 allows each path once"
)
B014_SAME = B014.warning("{manifest} lists it on lines {first} and {again} with the same digest")

B015 = Code(
    "B015",
    "a fetch.txt problem: a malformed line, not a payload path, not in every payload manifest, "
    "a listed file not fetched yet (the bag is incomplete), a wrong length",
)
B015_LINE = B015.error("line {line} is not 'url length path'")
B015_URL = B015.error("line {line}: {url!r} is not an absolute URL")
B015_LENGTH = B015.error("line {line}: length {length!r} is neither a number nor '-'")
B015_NOT_PAYLOAD = B015.error(
    "line {line}: {path!r} is not under data/: fetch.txt lists payload files only"
)
B015_NOT_LISTED = B015.error("listed in fetch.txt (line {line}) but not in {manifests}")
B015_WRONG_LENGTH = B015.error(
    "fetch.txt gives a length of {length} bytes, the file holds {size}"
)
B015_NOT_FETCHED = B015.error(
    "not fetched yet (fetch.txt line {line}): the bag is incomplete"
)
B015_UNDECODABLE = B015.error("not valid {encoding} (the declared tag file encoding){where}")

B016 = Code(
    "B016",
    "bag-info.txt malformed: a line without a label, undecodable text "
    "(warning: in BagIt 1.0, a separator other than exactly `Label: value`)",
)
B016_ORPHAN = B016.error("line {line} continues a value but no label comes before it")
B016_NO_LABEL = B016.error("line {line} is not 'Label: value': {text!r}")
B016_SEPARATOR = B016.warning(
    "line {line}: BagIt 1.0 writes 'Label: value' (no space before the colon, one after)"
)
B016_UNDECODABLE = B016.error("not valid {encoding} (the declared tag file encoding){where}")

B017 = Code("B017", "a tag file not listed in every tag manifest (tag manifests are optional)")
B017_UNLISTED = B017.warning(
    "tag file not listed in {manifests}, so its fixity is not recorded"
)

B018 = Code("B018", "weak algorithms only (md5, sha1), or a manifest algorithm this checker lacks")
B018_UNAVAILABLE = B018.warning(
    "algorithm {algorithm!r} is not available here: this manifest's digests were not checked"
)
B018_WEAK = B018.warning(
    "payload fixity relies on {algorithms} only, which are weak; sha256 or sha512 is recommended"
)

B019 = Code(
    "B019",
    "paths that differ only by case or Unicode normalisation (in manifests or on disk); a "
    "listed path found on disk under such a variant is checked there",
)
B019_LISTED_TWICE = B019.warning(
    "{manifest} line {line} lists it and also {other!r}, which differs only by case or "
    "Unicode normalisation"
)
B019_FOUND_AS = B019.warning(
    "listed under this name, found on disk as {found!r} (differs by case or Unicode "
    "normalisation); checked there"
)
B019_ON_DISK = B019.warning(
    "differs from {other!r} only by case or Unicode normalisation: they collide on macOS and "
    "Windows"
)

B020 = Code("B020", "a system file (.DS_Store, Thumbs.db...) in the bag, or listed and absent")
B020_PRESENT = B020.warning("operating-system file (not content); better left out of bags")
B020_ABSENT = B020.warning(
    "system file listed in {manifests} is absent (copy tools often drop these)"
)

B021 = Code(
    "B021",
    "a file or folder cannot be read (permissions, I/O error, too large to parse), or the check "
    "stopped at an unexpected error",
)
B021_FOLDER = B021.error("folder cannot be read: {reason}")
B021_FILE = B021.error("cannot be read: {reason}")
B021_TOO_LARGE = B021.error("{size} bytes: too large to parse (limit {limit})")
B021_CHECK_STOPPED = B021.error(
    "the check of this bag stopped at an unexpected error, so the bag is not known to be "
    "valid: {error}"
)

B022 = Code(
    "B022",
    "a payload manifest lists a path outside data/ (warning: a tag manifest lists a payload file)",
)
B022_NOT_PAYLOAD = B022.error(
    "line {line}: {path!r} is not under data/: a payload manifest lists payload files only"
)
B022_PAYLOAD_IN_TAGS = B022.warning(
    "line {line}: {path!r} is a payload file; tag manifests list tag files"
)

B023 = Code(
    "B023",
    "a manifest path in a non-canonical form: a leading `./`, empty or `.` segments, an md5sum "
    "`*` binary marker",
)
B023_REWRITTEN = B023.warning("line {line}: path written {path!r}, read as {clean!r}")
B023_BINARY_MARKER = B023.warning(
    "line {line}: '*' before the path is an md5sum binary-mode marker, not part of the path"
)

# --- A BagIt profile (ours, or --profile FILE) ------------------------------------------------

P001 = Code("P001", "the profile itself is malformed: a rule could not be applied")
P001_MALFORMED = P001.error("the profile is malformed: {problem}")

P002 = Code("P002", "the bag does not declare this profile (BagIt-Profile-Identifier)")
P002_UNDECLARED = P002.error("BagIt-Profile-Identifier {identifier} is missing ({declared})")

P003 = Code("P003", "a required bag-info element is missing or empty")
P003_REQUIRED = P003.error("{element} is required but {state}")

P004 = Code("P004", "a bag-info value is not one of the values the profile allows")
P004_VALUE = P004.error("{element} is {value!r}, not one of {allowed}")

P005 = Code("P005", "a non-repeatable bag-info element is repeated")
P005_REPEATED = P005.error("{element} appears {count} times but may not be repeated")

P006 = Code("P006", "a recommended bag-info element is missing")
P006_RECOMMENDED = P006.warning("{element} is recommended but missing")

P007 = Code("P007", "a required payload manifest algorithm is missing")
P007_MISSING = P007.error("Manifests-Required lists {algorithm}, the bag has no {file}")

P008 = Code("P008", "a payload manifest algorithm the profile does not allow")
P008_NOT_ALLOWED = P008.error("Manifests-Allowed does not include {algorithm}")

P009 = Code("P009", "a required tag manifest algorithm is missing")
P009_MISSING = P009.error("Tag-Manifests-Required lists {algorithm}, the bag has no {file}")

P010 = Code("P010", "a tag manifest algorithm the profile does not allow")
P010_NOT_ALLOWED = P010.error("Tag-Manifests-Allowed does not include {algorithm}")

P011 = Code("P011", "a required tag file is missing")
P011_MISSING = P011.error("required by the profile (Tag-Files-Required) but missing")

P012 = Code("P012", "a tag file the profile does not allow")
P012_NOT_ALLOWED = P012.error("tag file not allowed by the profile (Tag-Files-Allowed)")

P013 = Code("P013", "a required payload file or folder is missing")
P013_MISSING = P013.error("required by the profile (Payload-Files-Required) but missing")

P014 = Code("P014", "a payload file the profile does not allow")
P014_NOT_ALLOWED = P014.error("payload file not allowed by the profile (Payload-Files-Allowed)")

P015 = Code("P015", "fetch.txt present but not allowed")
P015_NOT_ALLOWED = P015.error("the profile does not allow fetch.txt")

P016 = Code("P016", "fetch.txt required but absent")
P016_REQUIRED = P016.error("the profile requires fetch.txt")

P017 = Code("P017", "Data-Empty: data/ holds more than a single empty file")
P017_NOT_EMPTY = P017.error(
    "the profile wants data/ empty (Data-Empty); it holds {count} file(s)"
)

P018 = Code("P018", "Serialization required, but the bag is a directory")
P018_REQUIRED = P018.error(
    "the profile requires a serialized bag (an archive file); this bag is a directory"
)

P019 = Code("P019", "the bag's BagIt version is not in Accept-BagIt-Version")
P019_VERSION = P019.error(
    "BagIt-Version {version} is not accepted by the profile ({accepted})"
)

# --- archiver's own content (bags that declare archiver's profile) --------------------------

D001 = Code("D001", "metadata/dublin_core.xml is missing or unreadable")
D001_MISSING = D001.error("the Dublin Core record is missing")
D001_UNREADABLE = D001.error("the Dublin Core record cannot be read: {reason}")

D002 = Code("D002", "the Dublin Core record is not well-formed or declares entities")
D002_UNSAFE = D002.error("{problem}")

D003 = Code("D003", "the Dublin Core record is not valid against schemas/")
D003_INVALID = D003.error("{problem}")

M001 = Code("M001", "metadata/premis.xml is missing, unreadable, not well-formed or has entities")
M001_MISSING = M001.error("the PREMIS record is missing")
M001_UNREADABLE = M001.error("the PREMIS record cannot be read: {reason}")
M001_UNSAFE = M001.error("{problem}")

M002 = Code("M002", "the PREMIS record is not valid against schemas/premis.xsd")
M002_INVALID = M002.error("{problem}")

W001 = Code("W001", "no WARC file in data/")
W001_NO_WARC = W001.error("no WARC file (*.warc.gz) in the payload")

W002 = Code("W002", "a WARC record is malformed or fails its block or payload digest")
W002_RECORD = W002.error("{where}: {problem}")

W003 = Code("W003", "the WARC does not start with a warcinfo record")
W003_FIRST = W003.error("first record is {record_type}, not warcinfo")

W004 = Code(
    "W004",
    "the WARC inflates past archiver's bounds (100 times its compressed size, or 4 GiB in one "
    "record): a decompression bomb, not read further",
)
W004_BOUND = W004.error("{where}: {problem}")

X001 = Code("X001", "data/index.cdxj is missing or unreadable")
X001_MISSING = X001.error("the CDXJ index is missing")
X001_UNREADABLE = X001.error("the CDXJ index cannot be read: {reason}")

X002 = Code("X002", "a CDXJ line is malformed")
X002_LINE = X002.error("line {line} is not a CDXJ line")
X002_TOO_LONG = X002.error("line {line} is longer than {limit} bytes: not a CDXJ line")
X002_FIELDS = X002.error("line {line} lacks filename/offset/length")

X003 = Code(
    "X003",
    "a CDXJ entry does not match a record of the WARC (offset, length, digest, URL)",
)
X003_MISMATCH = X003.error("line {line}: {problem}")

X004 = Code("X004", "a replayable WARC record is not in the CDXJ index")
X004_UNINDEXED = X004.error(
    "{record_type} record at offset {offset} of {warc} ({uri}) is not indexed"
)

C001 = Code("C001", "data/captions.json is missing, unreadable or malformed")
C001_MISSING = C001.error("the captions file is missing")
C001_UNREADABLE = C001.error("the captions file cannot be read: {reason}")
C001_MALFORMED = C001.error("not a JSON object with a list of captions")

C002 = Code("C002", "captions.json and the Dublin Core record disagree on the photos")
C002_DISAGREE = C002.error(
    "{captions} captions here, {parts} photo parts in metadata/dublin_core.xml, or their "
    "texts differ"
)

C003 = Code("C003", "a caption names a WARC record that is not in the WARC")
C003_UNKNOWN_RECORD = C003.error("caption {number} names {record_id}, not in the WARC")

# --- A trusted timestamp (any bag holding metadata/tagmanifest-sha256.txt.tsr) ---------------

T001 = Code(
    "T001",
    "the timestamp token cannot be read: not an RFC 3161 time-stamp response, no token "
    "granted, or too large",
)
T001_UNREADABLE = T001.error("not an RFC 3161 time-stamp response holding a token: {problem}")
T001_TOO_LARGE = T001.error("{size} bytes: larger than a time-stamp token can be ({limit})")

T002 = Code(
    "T002",
    "the timestamp token does not match tagmanifest-sha256.txt: the tag manifest it stamped "
    "changed, or is missing",
)
T002_CHANGED = T002.error(
    "differs from what {token} stamped at {time}: {algorithm} {stamped} stamped, {found} now"
)
T002_MISSING = T002.error("stamped by {token} but missing or unreadable: {reason}")
T002_ALGORITHM = T002.error(
    "{token} stamps a {algorithm} digest, which this checker cannot compute"
)

T003 = Code(
    "T003",
    "the timestamp token's signature does not verify against the configured CA certificates",
)
T003_UNTRUSTED = T003.error("signature not trusted: {reason}")

T004 = Code(
    "T004",
    "the timestamp token's signature was not checked: no CA certificates configured "
    "(`--timestamp-ca`, `timestamp_ca`)",
)
T004_NOT_CHECKED = T004.warning(
    "the time it states is not proven: its signature was not checked, as no CA certificates "
    "are configured (--timestamp-ca FILE or timestamp_ca)"
)

# --- The store around the bags (validate STORE, audit, list) --------------------------------

S001 = Code(
    "S001",
    "a symbolic link among the store's folders: not followed, so no bag behind it is checked "
    "or listed",
)
S001_LINK = S001.error(
    "{what}: a store's folders are never followed through links; no bag behind it is "
    "validated, audited or listed"
)

S002 = Code("S002", "a folder of the store cannot be read: a bag in it would not be checked")
S002_UNREADABLE = S002.error("folder cannot be read ({reason}): any bag in it is not checked")


# --- The table --------------------------------------------------------------------------------

#: Every code, in the order above (the README lists them in this order).
CODES: dict[str, Code] = {v.code: v for v in list(globals().values()) if isinstance(v, Code)}
#: Every message of every code.
MESSAGES: tuple[Message, ...] = tuple(v for v in globals().values() if isinstance(v, Message))


def severities(code: str) -> tuple[Severity, ...]:
    """The severities ``code`` can be reported with: error, warning, or both (in that order)."""
    found = {m.severity for m in MESSAGES if m.code == code}
    return tuple(s for s in (Severity.ERROR, Severity.WARNING) if s in found)


# --- Collecting findings ----------------------------------------------------------------------


class Findings(list[Finding]):
    """The findings of a check, built from the messages above.

    At most :data:`MAX_FINDINGS_PER_CODE` findings of one code and severity are kept; the
    others are only counted, and :meth:`summarised` adds one finding saying how many more
    there were. A hostile manifest of a million bad lines so costs bounded memory and gives a
    readable report.
    """

    def __init__(self) -> None:
        super().__init__()
        self._counts: Counter[tuple[str, Severity]] = Counter()

    def add(self, message: Message, path: str, /, **fields: object) -> None:
        """Report ``message`` about ``path`` (bag-relative, '' for the bag as a whole)."""
        key = (message.code, message.severity)
        self._counts[key] += 1
        if self._counts[key] <= MAX_FINDINGS_PER_CODE:
            self.append(message.finding(path, **fields))

    def summarised(self) -> tuple[Finding, ...]:
        """Every finding kept, then one per code and severity that had too many to list."""
        more = tuple(
            Finding(
                code,
                severity,
                "",
                f"{count - MAX_FINDINGS_PER_CODE} more {code} "
                "findings like those above are not listed",
            )
            for (code, severity), count in self._counts.items()
            if count > MAX_FINDINGS_PER_CODE
        )
        return (*self, *more)


def display_path(path: str) -> str:
    """A path fit for a one-line report: CR/LF as in manifests, undecodable bytes escaped."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if "\r" in text or "\n" in text:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text


_DISPLAYED = re.compile(r"%(0A|0D|25)")


def path_from_display(text: str) -> str:
    """The path :func:`display_path` showed as ``text``, when it escaped CR/LF: ``%0A``,
    ``%0D`` and ``%25`` decoded."""
    return _DISPLAYED.sub(lambda m: chr(int(m.group(1), 16)), text)
