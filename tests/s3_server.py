"""A real S3 API server on 127.0.0.1 for the object-store tests, and a recording proxy.

- :func:`start_moto` runs moto's server mode (``moto.server.ThreadedMotoServer``) in a thread
  on a free port: it answers the S3 API over HTTP like any S3-compatible server (moto's
  in-process mocks are never used). By default it takes any credentials.
- :func:`start_moto_with_auth` runs it as its own process with IAM authentication on, and
  makes a user with an access key allowed everything on S3: requests with another key, or a
  wrong secret, are refused as AWS refuses them.
- :class:`RecordingProxy` forwards every request to a server and keeps what it saw (method,
  path, headers), so a test can see what archiver sends on the wire; ``delay`` slows it.

Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: The AWS environment every object-store test runs in (no profile, no instance metadata).
TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
}
CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
           "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "ARCHIVER_S3_ENDPOINT_URL")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto() -> tuple[Any, str]:
    """moto's S3 server in a thread on 127.0.0.1; (server, endpoint URL)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


@dataclass
class AuthServer:
    """moto in its own process with IAM authentication on, and one good access key."""

    process: subprocess.Popen[bytes]
    endpoint: str
    access_key: str
    secret_key: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_moto_with_auth(bucket: str) -> AuthServer:
    """moto with IAM auth: a user allowed s3:* and a bucket, made in the first requests
    (which moto lets through unauthenticated); every later request must be signed by it."""
    import boto3

    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "4"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.1)
    keys = {"aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", **keys)
    iam.create_user(UserName="archivist")
    policy = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName="archivist", PolicyName="s3", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="archivist")["AccessKey"]
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=key["AccessKeyId"],
                      aws_secret_access_key=key["SecretAccessKey"])
    s3.create_bucket(Bucket=bucket)
    return AuthServer(process, endpoint, key["AccessKeyId"], key["SecretAccessKey"])


@dataclass
class Seen:
    """One request the proxy forwarded."""

    method: str
    path: str
    headers: dict[str, str]
    body_length: int


@dataclass
class RecordingProxy:
    """A reverse proxy on 127.0.0.1 in front of ``upstream`` that records each request."""

    upstream: str
    delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RecordingProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                body = _read_body(self)
                proxy.seen.append(Seen(self.command, self.path,
                                       {k.lower(): v for k, v in self.headers.items()},
                                       len(body)))
                if proxy.delay:
                    time.sleep(proxy.delay)
                host = proxy.upstream.split("://", 1)[1]
                upstream = http.client.HTTPConnection(host, timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("transfer-encoding", "content-length")}
                headers["Content-Length"] = str(len(body))
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status, answer.reason)
                length = str(len(data))
                for name, value in answer.getheaders():
                    if name.lower() == "content-length" and self.command == "HEAD":
                        length = value  # a HEAD's length is the object's, not its (no) body's
                    elif name.lower() not in ("transfer-encoding", "content-length",
                                              "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", length)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def puts(self, prefix: str = "") -> Iterator[Seen]:
        """The PUT requests of objects whose path starts with ``prefix``, in order."""
        return (s for s in self.seen if s.method == "PUT" and s.path.startswith(prefix))


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    """A request's body, whole (Content-Length, or chunked transfer coding)."""
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""
