"""Object storage through the S3 API: the only module that imports fsspec, s3fs or botocore.

Role: the few object operations a store on S3 needs (list a prefix, read an object as a
stream, upload a file with its sha256 and read back what the server stored, write a small
object once, delete), over fsspec's ``s3fs``, for AWS S3 and the servers that speak its API
(MinIO, Ceph RGW, Wasabi, moto). It knows nothing of bags or stores: those are
:mod:`archiver.bagit.remote` and :mod:`archiver.store.objectstore`.

Credentials come from botocore's standard chain only (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, ``~/.aws/credentials`` and ``~/.aws/config``, an
instance role...): archiver never reads, logs or prints them. The endpoint of a server other
than AWS comes from botocore too (``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``, or
``endpoint_url`` in the AWS config file), unless archiver's own setting ``s3_endpoint_url``
(``[s3]`` in the config file, or ``ARCHIVER_S3_ENDPOINT_URL``) names one.

Errors: a problem with the store as a whole (no credentials, credentials refused, no such
bucket, no answer from the endpoint) is a :class:`~archiver.errors.StoreError` (exit status 4)
whose message is made here from the error's code alone, so that nothing the server echoes
(a signature's canonical request, say) is ever shown. A problem with one object (absent,
refused, a broken connection mid-read) is an ``OSError`` (``FileNotFoundError``,
``PermissionError``...), which a bag's check reports as a finding of that file.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard, cast

from archiver.errors import StoreError, UsageError

SCHEME = "s3://"
#: Bytes fetched per ranged GET while an object is read as a stream.
READ_BLOCK = 8 * 1024 * 1024
#: Files larger than this are uploaded in parts (S3 takes at most 5 GiB in one PUT).
MULTIPART_THRESHOLD = 256 * 1024 * 1024
PART_SIZE = 64 * 1024 * 1024
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
#: Error codes that mean the store as a whole cannot be used (exit status 4).
_STORE_CODES = {
    "InvalidAccessKeyId": "the object store does not know the access key "
    "(check the AWS credentials)",
    "SignatureDoesNotMatch": "the object store refused the credentials' signature "
    "(check the AWS secret key)",
    "ExpiredToken": "the AWS session token has expired",
    "InvalidToken": "the AWS session token is not valid",
    "TokenRefreshRequired": "the AWS session token must be refreshed",
    "NoSuchBucket": "no such bucket",
    "AllAccessDisabled": "all access to this bucket is disabled",
    "AccountProblem": "the account of the credentials has a problem",
}


@dataclass(frozen=True)
class S3Url:
    """``s3://bucket/key``: a bucket and a key or key prefix (no leading or trailing slash)."""

    bucket: str
    key: str = ""

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.key}" if self.key else f"{SCHEME}{self.bucket}"

    def child(self, relative: str) -> S3Url:
        """The key ``relative`` below this one."""
        return S3Url(self.bucket, f"{self.key}/{relative}" if self.key else relative)

    @property
    def path(self) -> str:
        """``bucket/key`` as s3fs names it."""
        return f"{self.bucket}/{self.key}" if self.key else self.bucket

    @property
    def prefix(self) -> str:
        """The key prefix of everything below this one (``key/``, or '' for a bucket)."""
        return f"{self.key}/" if self.key else ""


def is_s3(location: object) -> TypeGuard[str]:
    """True for an ``s3://`` URL (a store or a bag in object storage)."""
    return isinstance(location, str) and location.startswith(SCHEME)


def parse_url(text: str) -> S3Url:
    """An ``s3://bucket[/prefix]`` URL; :class:`UsageError` when it is not one.

    The prefix may not hold empty, ``.`` or ``..`` segments: a store's keys are plain paths.
    """
    if not text.startswith(SCHEME):
        raise UsageError("not an s3:// URL", subject=text)
    bucket, _, key = text[len(SCHEME) :].partition("/")
    key = key.strip("/")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise UsageError(f"{bucket!r} is not a valid bucket name", subject=text)
    if key and any(part in ("", ".", "..") for part in key.split("/")):
        raise UsageError("a key prefix must not hold empty, '.' or '..' parts", subject=text)
    if any(ord(ch) < 32 for ch in key):
        raise UsageError("a key prefix must not hold control characters", subject=text)
    return S3Url(bucket, key)


# --- The connection ---------------------------------------------------------------------------

_FILESYSTEMS: dict[tuple[int, str | None, str], Any] = {}
#: The environment variables that choose botocore's credentials and endpoint.
_AWS_SETTINGS = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION",
    "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
)  # fmt: skip


def filesystem() -> Any:
    """This process's s3fs file system (made once per process, endpoint and credentials:
    a program that changes its AWS environment gets a new one).

    Listings are never cached: a store changes under a long job.
    """
    from archiver.config import s3_endpoint_url

    endpoint = s3_endpoint_url()
    settings = "\0".join(os.environ.get(name, "") for name in _AWS_SETTINGS)
    key = (os.getpid(), endpoint, hashlib.sha256(settings.encode()).hexdigest())
    found = _FILESYSTEMS.get(key)
    if found is None:
        import s3fs

        client: dict[str, Any] = {"endpoint_url": endpoint} if endpoint else {}
        found = s3fs.S3FileSystem(
            use_listings_cache=False,
            skip_instance_cache=True,
            client_kwargs=client,
        )
        _FILESYSTEMS[key] = found
    return found


def store_problem(exc: BaseException, url: S3Url | str) -> StoreError | None:
    """The :class:`StoreError` an exception stands for when it concerns the whole store
    (credentials, bucket, endpoint); None for a problem of one object."""
    import botocore.exceptions as boto

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, boto.NoCredentialsError | boto.PartialCredentialsError):
            return StoreError(
                "no AWS credentials found (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "AWS_PROFILE, or ~/.aws/credentials)",
                subject=str(url),
            )
        if isinstance(cause, boto.EndpointConnectionError | boto.ConnectTimeoutError):
            return StoreError("the object store's endpoint does not answer", subject=str(url))
        if isinstance(cause, boto.ClientError):
            code = str(cause.response.get("Error", {}).get("Code", ""))
            if code in _STORE_CODES:
                return StoreError(_STORE_CODES[code], subject=str(url))
            return None
        cause = cause.__cause__ or cause.__context__
    return None


def _remote(exc: BaseException) -> bool:
    """True for a failure of the object store or the way to it (not a bug of ours)."""
    import botocore.exceptions as boto

    return isinstance(exc, OSError | boto.BotoCoreError | boto.ClientError)


@contextlib.contextmanager
def _remote_failures(
    url: S3Url | str, otherwise: Callable[[Exception], Exception]
) -> Iterator[None]:
    """Raise a failure of the object store in the block as the :class:`StoreError` of a
    store-wide problem, or else as ``otherwise(exc)`` makes it; anything else (a bug, or a
    :class:`StoreError` already) goes on as it is."""
    try:
        yield
    except Exception as exc:
        if not _remote(exc):
            raise
        problem = store_problem(exc, url)
        if problem is not None:
            raise problem from None
        replaced = otherwise(exc)
        if replaced is exc:
            raise
        raise replaced from None


def store_errors(url: S3Url | str, doing: str) -> contextlib.AbstractContextManager[None]:
    """Turn every failure of the object store in the block into one :class:`StoreError` line
    (exit status 4); anything else (a bug) goes on as it is."""

    def one_line(exc: Exception) -> Exception:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        if isinstance(exc, PermissionError):
            reason = "access denied"
        return StoreError(f"cannot {doing}: {reason}", subject=str(url))

    return _remote_failures(url, one_line)


def object_errors(url: S3Url) -> contextlib.AbstractContextManager[None]:
    """Let a store-wide problem out as :class:`StoreError`, and any other as ``OSError``."""

    def as_os_error(exc: Exception) -> Exception:
        if isinstance(exc, OSError):
            return exc
        return OSError(errno.EIO, f"{type(exc).__name__}: {exc}", str(url))

    return _remote_failures(url, as_os_error)


# --- Listing and reading ----------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectInfo:
    """One object as a listing gives it: its key below the prefix listed, size and age."""

    relative: str
    size: int
    modified: datetime | None


def list_objects(url: S3Url) -> Iterator[ObjectInfo]:
    """Every object whose key starts with ``url``'s prefix (``key/``), in key order.

    Raises :class:`StoreError` for a store-wide problem, ``OSError`` for another.
    """
    fs = filesystem()
    prefix = url.prefix
    paginator_args = {"Bucket": url.bucket, "Prefix": prefix}
    token: str | None = None
    while True:
        args = dict(paginator_args)
        if token:
            args["ContinuationToken"] = token
        with object_errors(url):
            page = fs.call_s3("list_objects_v2", **args)
        for item in page.get("Contents", ()):
            key = str(item["Key"])
            yield ObjectInfo(key[len(prefix) :], int(item.get("Size", 0)), item.get("LastModified"))
        if not page.get("IsTruncated"):
            return
        token = page.get("NextContinuationToken")


def top_level(url: S3Url) -> list[str]:
    """The names directly below ``url``'s prefix (folders and objects, one request)."""
    fs = filesystem()
    with object_errors(url):
        page = fs.call_s3(
            "list_objects_v2", Bucket=url.bucket, Prefix=url.prefix, Delimiter="/", MaxKeys=1000
        )
    prefixes = page.get("CommonPrefixes", ())
    names = [str(p["Prefix"])[len(url.prefix) :].rstrip("/") for p in prefixes]
    names += [str(o["Key"])[len(url.prefix) :] for o in page.get("Contents", ())]
    return names


def open_object(url: S3Url, size: int | None = None) -> BinaryIO:
    """The object at ``url`` open as a stream (ranged GETs of :data:`READ_BLOCK` bytes, read
    ahead); ``size``, when known from a listing, spares a HEAD request."""
    fs = filesystem()
    with object_errors(url):
        raw = fs.open(url.path, "rb", block_size=READ_BLOCK, cache_type="readahead", size=size)
    if size is not None:
        # What s3fs would otherwise learn by a HEAD before its first GET (one more request
        # per object); without an ETag it makes no check of its own that the object stayed.
        raw.details = {"name": url.path, "size": size, "type": "file"}
    # Buffered for readline(limit) and small reads; the object's size is the raw file's.
    return cast(BinaryIO, _Guarded(io.BufferedReader(raw, 1024 * 1024), url, int(raw.size)))


class _Guarded:
    """A stream whose read errors come out as ``OSError`` (or :class:`StoreError`)."""

    def __init__(self, handle: io.BufferedReader, url: S3Url, size: int) -> None:
        self._handle = handle
        self._url = url
        self._size = size

    def read(self, size: int = -1, /) -> bytes:
        with object_errors(self._url):
            return self._handle.read(size)

    def readinto(self, buffer: Any, /) -> int:
        with object_errors(self._url):
            return int(self._handle.readinto(buffer))

    def readline(self, size: int = -1, /) -> bytes:
        with object_errors(self._url):
            return self._handle.readline(size)

    def seek(self, offset: int, whence: int = 0, /) -> int:
        with object_errors(self._url):
            return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def size(self) -> int:
        """The object's size in bytes."""
        return self._size

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._handle.close()

    def __enter__(self) -> _Guarded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def exists(url: S3Url) -> bool:
    """Whether an object is at ``url`` (a HEAD request); :class:`StoreError` for a
    store-wide problem."""
    fs = filesystem()
    try:
        with object_errors(url):
            fs.call_s3("head_object", Bucket=url.bucket, Key=url.key)
    except FileNotFoundError:
        return False
    except PermissionError:
        raise StoreError("access denied", subject=str(url)) from None
    except OSError as exc:  # object_errors has let a store-wide problem out already
        raise StoreError(f"cannot reach the object store: {exc.strerror or exc}",
                         subject=str(url)) from None
    return True


def read_object(url: S3Url, limit: int) -> bytes:
    """A small object's bytes (at most ``limit``: ``OSError(EFBIG)`` past it)."""
    with open_object(url) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"over the limit of {limit} bytes", str(url))
    return data


# --- Writing ----------------------------------------------------------------------------------


def sha256_header(hex_digest: str) -> str:
    """A sha256 as S3's additional checksums carry it (``x-amz-checksum-sha256``: base64)."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")


def checksum_digest(value: str) -> str:
    """An ``x-amz-checksum-sha256`` value without the part count a composite one may end in
    (``BASE64-N``): servers differ in giving it (AWS S3 does, moto does not), and the base64
    alphabet has no ``-``."""
    return value.partition("-")[0]


def upload_file(path: Path, url: S3Url, sha256_hex: str, size: int) -> str:
    """Upload a local file to ``url`` with its sha256 (``ChecksumAlgorithm`` SHA256), so that
    the server rejects bytes that do not match; return the checksum the server must then hold
    (``x-amz-checksum-sha256``, base64).

    Files over :data:`MULTIPART_THRESHOLD` go in parts of :data:`PART_SIZE`, each with its own
    sha256; the object's checksum is then S3's composite one (``BASE64-N``). Raises
    :class:`StoreError` when the store refuses the upload (exit status 4).
    """
    fs = filesystem()
    with store_errors(url, "upload to the object store"):
        if size <= MULTIPART_THRESHOLD:
            with open(path, "rb") as body:
                fs.call_s3(
                    "put_object", Bucket=url.bucket, Key=url.key, Body=body,
                    ChecksumAlgorithm="SHA256", ChecksumSHA256=sha256_header(sha256_hex),
                )  # fmt: skip
            return sha256_header(sha256_hex)
        return _upload_parts(fs, path, url)


def _upload_parts(fs: Any, path: Path, url: S3Url) -> str:
    """A multipart upload, each part with its sha256; the composite checksum it makes."""
    started = fs.call_s3(
        "create_multipart_upload", Bucket=url.bucket, Key=url.key, ChecksumAlgorithm="SHA256"
    )
    upload_id = started["UploadId"]
    parts, digests = [], []
    try:
        with open(path, "rb") as source:
            number = 0
            while chunk := source.read(PART_SIZE):
                number += 1
                digest = hashlib.sha256(chunk).digest()
                checksum = sha256_header(digest.hex())
                answer = fs.call_s3(
                    "upload_part", Bucket=url.bucket, Key=url.key, UploadId=upload_id,
                    PartNumber=number, Body=chunk, ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=checksum,
                )  # fmt: skip
                parts.append({"PartNumber": number, "ETag": answer["ETag"],
                              "ChecksumSHA256": checksum})
                digests.append(digest)
        fs.call_s3(
            "complete_multipart_upload", Bucket=url.bucket, Key=url.key, UploadId=upload_id,
            MultipartUpload={"Parts": parts},
        )  # fmt: skip
    except BaseException:
        with contextlib.suppress(Exception):
            fs.call_s3("abort_multipart_upload", Bucket=url.bucket, Key=url.key,
                       UploadId=upload_id)
        raise
    composite = hashlib.sha256(b"".join(digests)).digest()
    return f"{base64.b64encode(composite).decode('ascii')}-{len(digests)}"


def stored_checksum(url: S3Url) -> tuple[int, str | None]:
    """What the server stored at ``url``: its size and sha256 checksum (a HEAD request in
    checksum mode; None when it keeps none)."""
    fs = filesystem()
    with store_errors(url, "read back an uploaded object"):
        head = fs.call_s3("head_object", Bucket=url.bucket, Key=url.key, ChecksumMode="ENABLED")
    found = head.get("ChecksumSHA256")
    return int(head.get("ContentLength", -1)), (str(found) if found else None)


def put_bytes(url: S3Url, data: bytes) -> None:
    """Write a small object whole, with its sha256 (an audit log segment)."""
    fs = filesystem()
    digest = hashlib.sha256(data).hexdigest()
    with store_errors(url, "write to the object store"):
        fs.call_s3(
            "put_object", Bucket=url.bucket, Key=url.key, Body=data,
            ChecksumAlgorithm="SHA256", ChecksumSHA256=sha256_header(digest),
        )  # fmt: skip


def delete_objects(url: S3Url, relatives: list[str]) -> None:
    """Delete the objects ``relatives`` below ``url`` (1000 to a request)."""
    fs = filesystem()
    for start in range(0, len(relatives), 1000):
        batch = [{"Key": url.child(r).key} for r in relatives[start : start + 1000]]
        with store_errors(url, "delete from the object store"):
            answer = fs.call_s3(
                "delete_objects", Bucket=url.bucket, Delete={"Objects": batch, "Quiet": True}
            )
        errors = answer.get("Errors") or []
        if errors:
            first = errors[0]
            raise StoreError(
                f"cannot delete {first.get('Key')}: {first.get('Code')}", subject=str(url)
            )


def incomplete_uploads(url: S3Url) -> list[tuple[str, str, datetime | None]]:
    """Multipart uploads begun below ``url`` and never completed: (key, upload id, begun)."""
    fs = filesystem()
    with store_errors(url, "list the object store's unfinished uploads"):
        answer = fs.call_s3("list_multipart_uploads", Bucket=url.bucket, Prefix=url.prefix)
    return [
        (str(u["Key"]), str(u["UploadId"]), u.get("Initiated")) for u in answer.get("Uploads", ())
    ]


def abort_upload(url: S3Url, key: str, upload_id: str) -> None:
    """Abort one unfinished multipart upload (its parts are deleted)."""
    fs = filesystem()
    with store_errors(url, "abort an unfinished upload"):
        fs.call_s3("abort_multipart_upload", Bucket=url.bucket, Key=key, UploadId=upload_id)
