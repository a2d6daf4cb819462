"""HTTPS: ``umcr-server serve --tls-cert --tls-key``, and a console that verifies it.

The CA is made here, so the test needs no files and no network: a server
certificate for 127.0.0.1 signed by it, a sync engine given the CA bundle
(syncs) and one without it (a certificate error, reported as offline).
"""

from __future__ import annotations

import functools
import ipaddress
import random
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.server import API, START_TIMEOUT, ServerProcess
from umcr_console.app import CA_BUNDLE_ENV, TlsSettingError, parse_args, tls_verify
from umcr_console.sync import LinkState, SyncEngine
from umcr_console.sync.traffic import Traffic

from . import harness
from .harness import Console


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """(CA bundle, server certificate, server key), PEM files in ``folder``."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("UMCR test CA"))
        .issuer_name(_name("UMCR test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


class TlsServerProcess(ServerProcess):
    """ServerProcess serving HTTPS; its own checks trust the test CA."""

    def __init__(self, tmp_path: Path, ca: Path, cert: Path, key: Path) -> None:
        super().__init__(tmp_path, extra_args=["--tls-cert", str(cert), "--tls-key", str(key)])
        self.url = f"https://127.0.0.1:{self.port}"
        self.ca = ca

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        with httpx.Client(
            base_url=self.url, timeout=2.0, verify=ssl.create_default_context(cafile=self.ca)
        ) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited while starting:\n{self.log_text()}")
                try:
                    if client.get(f"{API}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"the server did not answer in time:\n{self.log_text()}")
                time.sleep(0.05)


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A TLS server and a way to give the harness's sync engines a ``verify``."""
    certs = tmp_path / "certs"
    certs.mkdir()
    ca, cert, key = make_ca_and_server_cert(certs)
    with TlsServerProcess(tmp_path, ca, cert, key) as server:

        def engines_verifying(verify: bool | ssl.SSLContext) -> None:
            monkeypatch.setattr(harness, "SyncEngine", functools.partial(SyncEngine, verify=verify))

        yield server, ca, engines_verifying


@pytest.mark.slow
def test_a_console_with_the_ca_bundle_syncs_over_https(
    tls, console_for: Callable[..., Console]
) -> None:
    server, ca, engines_verifying = tls
    engines_verifying(ssl.create_default_context(cafile=ca))
    console = console_for(server.url, "tls")
    console.wait_until(lambda: console.engine.status.link == LinkState.ONLINE, 30, "online")
    made = console.act(Traffic(random.Random(5), "tls"), 3)
    console.wait_drained()
    with httpx.Client(
        base_url=server.url, verify=ssl.create_default_context(cafile=ca), timeout=10.0
    ) as client:
        token = client.post(
            f"{API}/auth/token", json={"username": "supervisor", "password": "supervise-secret"}
        ).json()["access_token"]
        answer = client.get(
            f"{API}/events", params={"after": 0}, headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200, answer.text
    on_server = {e["event_id"] for e in answer.json()["events"]}
    assert {str(e.event_id) for e in made} <= on_server


@pytest.mark.slow
def test_without_the_ca_bundle_the_certificate_is_refused_and_the_console_is_offline(
    tls, console_for: Callable[..., Console]
) -> None:
    server, _ca, engines_verifying = tls
    engines_verifying(True)  # the system store: it does not know the test CA
    console = console_for(server.url, "untrusting")
    console.wait_until(
        lambda: (
            console.engine.status.link == LinkState.OFFLINE
            and "CERTIFICATE_VERIFY_FAILED" in console.engine.status.last_error
        ),
        30,
        "offline with a certificate error",
    )
    assert console.engine.status.server_seq is None
    assert "--- start" in server.log_text()


def test_the_ca_bundle_option_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca, _cert, _key = make_ca_and_server_cert(tmp_path)
    monkeypatch.delenv(CA_BUNDLE_ENV, raising=False)
    assert tls_verify(parse_args([]).ca_bundle) is True
    monkeypatch.setenv(CA_BUNDLE_ENV, str(ca))
    assert isinstance(tls_verify(parse_args([]).ca_bundle), ssl.SSLContext)
    monkeypatch.delenv(CA_BUNDLE_ENV)
    context = tls_verify(parse_args(["--ca-bundle", str(ca)]).ca_bundle)
    assert isinstance(context, ssl.SSLContext)
    assert context.get_ca_certs()[0]["subject"] == ((("commonName", "UMCR test CA"),),)
    # A missing bundle is said at start, in one line, not at first sync.
    with pytest.raises(TlsSettingError, match="does not exist"):
        tls_verify(str(tmp_path / "missing.pem"))
