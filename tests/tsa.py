"""A throwaway RFC 3161 time-stamping authority for tests, built on ``openssl ts -reply``.

``ThrowawayTsa(directory)`` makes a root CA and a TSA certificate it signs (critical
extended key usage ``timeStamping``, as RFC 3161 §2.3 requires), then answers DER
``TimeStampReq`` bytes with the DER ``TimeStampResp`` that openssl signs. ``serve`` puts it
behind a pytest-httpserver route, as a TSA is reached (POST, ``application/timestamp-query``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from werkzeug import Request, Response

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(
    OPENSSL is None, reason="the TSA stand-in needs the openssl command line tool"
)

CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.crt
certs = {dir}/tsa.crt
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[ v3_tsa ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""


def openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


class ThrowawayTsa:
    """A CA and a TSA made in ``directory``; ``ca_file`` is the trust anchor to verify with."""

    def __init__(self, directory: Path, name: str = "Test") -> None:
        directory = directory.resolve()  # openssl runs inside it, with paths to its files
        self.dir = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.config = directory / "tsa.cnf"
        self.config.write_text(CONFIG.format(dir=directory), encoding="utf-8")
        (directory / "serial").write_text("01\n", encoding="utf-8")
        key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        cnf = ["-config", str(self.config)]
        ca = ["-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-extensions", "v3_ca"]
        openssl("req", "-x509", *key, *ca, "-subj", f"/CN={name} Root CA", *cnf, cwd=directory)
        tsa = ["-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name} TSA"]
        openssl("req", "-new", *key, *tsa, *cnf, cwd=directory)
        signed = ["-in", "tsa.csr", "-out", "tsa.crt", "-days", "30", "-CAcreateserial"]
        issuer = ["-CA", "ca.crt", "-CAkey", "ca.key"]
        ext = ["-extfile", str(self.config), "-extensions", "v3_tsa"]
        openssl("x509", "-req", *signed, *issuer, *ext, cwd=directory)
        self.ca_file = directory / "ca.crt"
        self.requests = 0

    def reply(self, query: bytes) -> bytes:
        """The DER TimeStampResp for a DER TimeStampReq."""
        self.requests += 1
        query_file = self.dir / f"query-{self.requests}.tsq"
        reply_file = self.dir / f"reply-{self.requests}.tsr"
        query_file.write_bytes(query)
        files = ["-queryfile", str(query_file), "-out", str(reply_file)]
        openssl("ts", "-reply", "-config", str(self.config), *files, cwd=self.dir)
        return reply_file.read_bytes()

    def serve(self, httpserver, path: str = "/tsr") -> str:
        """Answer POSTs to ``path`` on ``httpserver``; the TSA's URL."""

        def handler(request: Request) -> Response:
            if request.content_type != "application/timestamp-query":
                return Response("wrong content type", status=415)
            return Response(
                self.reply(request.get_data()), content_type="application/timestamp-reply"
            )

        httpserver.expect_request(path, method="POST").respond_with_handler(handler)
        return httpserver.url_for(path)
