"""OpenSSF model signatures (the `model-signing` library's Sigstore bundles), checked offline.

A bundle (`model.sig`, `*.sigstore.json`, ...) is a Sigstore bundle around a DSSE envelope whose
in-toto statement lists every signed file with its digest. truecard reads that manifest with the
library's own parser, re-hashes the files with the library's own hashing (the serialization the
bundle records: per file or per shard, SHA-256, BLAKE2 or BLAKE3), and reports which files match,
which differ, which are missing and which are present but not covered. Who signed it is read from
the bundle (the public key's hash, the certificate's subject, a Sigstore identity) and is only
*stated* until the user passes the signer's public key (`--trust-key`) or CA certificate
(`--trust-cert`): then the library verifies the signature itself, offline. Sigstore keyless
bundles need Sigstore's online trust root and are reported with their stated identity.

Over a remote source, files are compared with the digests the source already knows (the Hub's
LFS SHA-256) or read whole when small; anything else is listed as unchecked, never guessed.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from truecard.bounded import load_json
from truecard.models import Evidence, SignatureCheck
from truecard.sources.base import HASH_LIMIT, Tree

BUNDLE_SUFFIXES = (".sig", ".sigstore", ".sigstore.json", ".bundle.json", ".sig.json")
BUNDLE_MAX = 8 << 20
GIT_PATHS = (".git/", ".github/")
GIT_FILES = {".gitattributes", ".gitignore"}
# Sigstore's Fulcio certificate extensions: the OIDC issuer (v1 and v2 encodings).
_OIDC_ISSUER = ("1.3.6.1.4.1.57264.1.1", "1.3.6.1.4.1.57264.1.8")


def is_bundle_name(path: str) -> bool:
    low = posixpath.basename(path.lower())
    return low == "model.sig" or low.endswith(BUNDLE_SUFFIXES)


def read_bundle(raw: bytes) -> dict[str, Any] | None:
    """The bundle as JSON when it is a Sigstore bundle with a DSSE envelope, else None."""
    try:
        data = load_json(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or "sigstore.bundle" not in str(data.get("mediaType", "")):
        return None
    return data if isinstance(data.get("dsseEnvelope"), dict) else None


def _statement(bundle: dict[str, Any]) -> dict[str, Any]:
    payload = bundle["dsseEnvelope"].get("payload", "")
    return load_json(base64.b64decode(payload))


def _cert_identity(der: bytes) -> str:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    bits = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(v) for v in san.get_values_for_type(x509.RFC822Name)]
        names += [str(v) for v in san.get_values_for_type(x509.UniformResourceIdentifier)]
        names += [str(v) for v in san.get_values_for_type(x509.DNSName)]
        if names:
            bits.append(", ".join(names[:3]))
    except x509.ExtensionNotFound:
        pass
    subject = cert.subject.rfc4514_string()
    if subject:
        bits.append(f"subject {subject}")
    for ext in cert.extensions:
        if ext.oid.dotted_string in _OIDC_ISSUER:
            raw = getattr(ext.value, "value", b"")
            text = raw.decode("utf-8", "replace").lstrip("\x0c\x16").strip()
            text = "".join(ch for ch in text if ch.isprintable())
            bits.append(f"OIDC issuer {text[-120:]}")
            break
    bits.append(f"issued by {cert.issuer.rfc4514_string()}")
    return "; ".join(bits)[:400]


def stated_signer(bundle: dict[str, Any]) -> tuple[str, str]:
    """(method, signer) as the bundle states them, unauthenticated."""
    vm = bundle.get("verificationMaterial") or {}
    try:
        if isinstance(vm.get("x509CertificateChain"), dict):
            certs = vm["x509CertificateChain"].get("certificates") or []
            if certs:
                return "certificate", _cert_identity(base64.b64decode(certs[0]["rawBytes"]))
        if isinstance(vm.get("certificate"), dict):
            return "sigstore", _cert_identity(base64.b64decode(vm["certificate"]["rawBytes"]))
    except Exception as exc:  # an unreadable certificate is a finding, not a crash
        return "certificate", f"unreadable certificate ({type(exc).__name__})"
    key = vm.get("publicKey") or {}
    hint = key.get("hint") if isinstance(key, dict) else None
    return "key", f"public key sha256:{hint}" if hint else "public key (no key hint in the bundle)"


def _digests(manifest: Any) -> dict[str, tuple[str, str]]:
    return {rd.identifier: (rd.digest.algorithm, rd.digest.digest_hex) for rd in manifest.resource_descriptors()}


def _file_of(identifier: str, method: str) -> str:
    """The file a manifest identifier names (a shard is 'path:start:end')."""
    if method == "shards" and identifier.count(":") >= 2:
        return identifier.rsplit(":", 2)[0]
    return identifier


def _hashing_config(ser: dict[str, Any]) -> Any:
    from model_signing import hashing

    common = {"hashing_algorithm": ser.get("hash_type", "sha256"),
              "allow_symlinks": bool(ser.get("allow_symlinks", False))}
    if ser.get("method") == "shards":
        return hashing.Config().use_shard_serialization(shard_size=int(ser["shard_size"]), **common)
    return hashing.Config().use_file_serialization(**common)


def _authenticate(method: str, root: Path, bundle_path: Path, trust: Any) -> tuple[bool | None, str, bool]:
    """(authenticated, message, all_files_match) with the library's verifier, offline."""
    from model_signing import verifying

    configs: list[tuple[str, Any]] = []
    if method == "key":
        configs = [(f"--trust-key {k}", verifying.Config().use_elliptic_key_verifier(public_key=k))
                   for k in trust.keys]
    elif method == "certificate" and trust.certs:
        configs = [(f"--trust-cert {', '.join(map(str, trust.certs))}",
                    verifying.Config().use_certificate_verifier(certificate_chain=list(trust.certs)))]
    if not configs:
        if method == "sigstore":
            return None, "Sigstore keyless signature: its identity is stated, not authenticated offline", False
        flag = "--trust-key" if method == "key" else "--trust-cert"
        return None, f"signer not authenticated (pass the signer's {'public key' if method == 'key' else 'CA certificate'} with {flag})", False
    errors = []
    for label, cfg in configs:
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                cfg.set_ignore_unsigned_files(True).verify(root, bundle_path)
            return True, f"signature verified with {label}", True
        except ValueError as exc:
            if str(exc).startswith("Signature mismatch"):
                return True, f"signature verified with {label}, but the files differ from what was signed", False
            errors.append(f"{label}: {str(exc)[:160]}")
        except Exception as exc:
            errors.append(f"{label}: {type(exc).__name__}: {str(exc)[:160]}")
    return False, "signature does NOT verify: " + "; ".join(errors)[:400], False


def check_bundle(
    tree: Tree, path: str, bundle: dict[str, Any], trust: Any,
    evidence_for: Callable[[Tree, str, str], Evidence],
) -> SignatureCheck:
    root = posixpath.dirname(path)
    method, signer = stated_signer(bundle)
    base = {"path": path, "source": tree.info.id, "root": root or ".", "method": method, "signer": signer}
    try:
        from model_signing._signing.signing import dsse_payload_to_manifest
    except ImportError as exc:
        return SignatureCheck(**base, verdict="unchecked", evidence=evidence_for(tree, path, f"{path}: model signature"),
                              message=f"model-signing is not installed (pip install 'truecard[formats]'): {exc}")
    try:
        statement = _statement(bundle)
        manifest = dsse_payload_to_manifest(statement)
    except Exception as exc:
        return SignatureCheck(**base, verdict="invalid", evidence=evidence_for(tree, path, f"{path}: broken signature"),
                              message=f"the bundle's signed statement cannot be read: {type(exc).__name__}: {str(exc)[:200]}")
    ser = manifest.serialization_type
    smethod = ser.get("method", "files")
    expected = _digests(manifest)
    signed_files = sorted({_file_of(i, smethod) for i in expected})
    prefix = f"{root}/" if root else ""
    listing = {e.path[len(prefix):]: e for e in tree.entries() if e.path.startswith(prefix)}
    ignored = {str(p).strip("/") for p in ser.get("ignore_paths", []) or []}

    def skipped(rel: str) -> bool:
        return (rel == posixpath.basename(path) or rel in GIT_FILES or rel.startswith(GIT_PATHS)
                or any(rel == i or rel.startswith(i + "/") for i in ignored))

    present = [f for f in signed_files if f in listing]
    missing = [f for f in signed_files if f not in listing]
    uncovered = sorted(r for r in listing if r not in signed_files and not skipped(r))
    local_root = tree.local_path(root) if tree.local_path("") is not None else None

    authenticated: bool | None = None
    auth_msg = ""
    all_match = False
    bundle_file = tree.local_path(path)
    if local_root is not None and bundle_file is not None:
        authenticated, auth_msg, all_match = _authenticate(method, local_root, bundle_file, trust)
    elif method == "sigstore":
        authenticated, auth_msg = None, "Sigstore keyless signature: its identity is stated, not authenticated offline"
    else:
        authenticated, auth_msg = None, "signer not authenticated: the signature is checked against local files only"

    matched: list[str] = []
    mismatched: list[str] = []
    unchecked: list[str] = []
    if all_match:
        matched = present
    elif local_root is not None:
        try:
            sink = io.StringIO()
            with contextlib.redirect_stdout(sink):
                actual = _digests(_hashing_config(ser).hash(local_root, files_to_hash=[local_root / f for f in present]))
        except Exception as exc:
            return SignatureCheck(**base, authenticated=authenticated, authentication=auth_msg, verdict="unchecked",
                                  signed_files=len(signed_files), missing=missing, uncovered=uncovered,
                                  evidence=evidence_for(tree, path, f"{path}: model signature"),
                                  message=f"the files could not be hashed: {type(exc).__name__}: {str(exc)[:200]}")
        bad = {_file_of(i, smethod) for i, d in expected.items() if actual.get(i) != d}
        matched = [f for f in present if f not in bad]
        mismatched = [f for f in present if f in bad]
    else:
        for f in present:
            algo = {expected[i][0] for i in expected if _file_of(i, smethod) == f}
            if smethod != "files" or algo != {"sha256"}:
                unchecked.append(f)
                continue
            entry = listing[f]
            if entry.sha256 is None and entry.size > HASH_LIMIT:
                unchecked.append(f)
                continue
            sha, scope = tree.sha256(prefix + f)
            if sha is None or scope != "file":
                unchecked.append(f)
            elif sha == expected[f][1]:
                matched.append(f)
            else:
                mismatched.append(f)

    if mismatched or missing:
        verdict = "mismatch"
    elif authenticated is False:
        verdict = "untrusted"
    elif unchecked or not present:
        verdict = "unchecked"
    else:
        verdict = "verified" if authenticated else "digests-match"
    parts = [f"{len(signed_files)} file(s) signed", f"{len(matched)} match"]
    if mismatched:
        parts.append(f"{len(mismatched)} DIFFER ({', '.join(mismatched[:5])})")
    if missing:
        parts.append(f"{len(missing)} missing ({', '.join(missing[:5])})")
    if unchecked:
        parts.append(f"{len(unchecked)} not checked")
    if uncovered:
        parts.append(f"{len(uncovered)} present but not signed ({', '.join(uncovered[:5])})")
    message = "; ".join(parts) + f". Signed by {signer}" + (f" — {auth_msg}" if auth_msg else "")
    return SignatureCheck(
        **base, authenticated=authenticated, authentication=auth_msg, verdict=verdict,
        signed_files=len(signed_files), matched=matched, mismatched=mismatched, missing=missing,
        uncovered=uncovered[:200], unchecked=unchecked, message=message[:1000],
        evidence=evidence_for(tree, path, f"{path}: model signature, {verdict}"),
    )


def scan_tree(tree: Tree, trust: Any, evidence_for: Callable[[Tree, str, str], Evidence]) -> list[SignatureCheck]:
    out = []
    for e in tree.entries():
        if not is_bundle_name(e.path) or e.size > BUNDLE_MAX:
            continue
        try:
            raw = tree.read_range(e.path, 0, e.size)
        except OSError:
            continue
        bundle = read_bundle(raw)
        if bundle is None:
            continue
        out.append(check_bundle(tree, e.path, bundle, trust, evidence_for))
    return out
