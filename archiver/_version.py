"""archiver's version, in one place: hatch reads it for the package metadata, and every module
that records which software made something (WARC, bag-info, PREMIS, the audit log) imports it
from here, never from the root package.
"""

__version__ = "0.1.0"

#: The software agent as bags, WARCs, PREMIS records and the audit log name it.
SOFTWARE = f"archiver/{__version__}"
