"""What the integrity checks cost a scan (run on demand).

    python benchmarks/bench_integrity.py [--mib 200]

Builds, in a temporary folder: the bundled example; a PyTorch state dict of about --mib MiB
(torch.save, zip format); and a folder of that size signed with model-signing (a key made
here). Reports the best of 3 scan times with and without `truecard.integrity.collect`, and
the signature check with and without the trusted key.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import truecard  # noqa: E402
import truecard.integrity as integrity  # noqa: E402


def best(f: Callable[[], object], n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def with_and_without(path: Path) -> tuple[float, float]:
    on = best(lambda: truecard.scan(path))
    real = integrity.collect
    integrity.collect = lambda inv, trees: None  # type: ignore[assignment]
    try:
        off = best(lambda: truecard.scan(path))
    finally:
        integrity.collect = real
    return on, off


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=200)
    args = ap.parse_args()
    on, off = with_and_without(ROOT / "examples" / "tiny-open-model")
    print(f"example: {on * 1000:.0f} ms with integrity, {off * 1000:.0f} ms without")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        try:
            import torch

            pt = d / "pt"
            pt.mkdir()
            n = max(1, args.mib // 4)
            torch.save({f"layer{i}.weight": torch.zeros(1024, 1024) for i in range(n)}, pt / "pytorch_model.bin")
            (pt / "README.md").write_text("# state dict\n")
            on, off = with_and_without(pt)
            print(f"{n * 4} MiB torch state dict: {on * 1000:.0f} ms with integrity, {off * 1000:.0f} ms without")
        except ImportError:
            print("torch not installed: state-dict case skipped")
        try:
            import model_signing
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import ec
        except ImportError:
            print("model-signing not installed: signature case skipped")
            return
        m = d / "signed"
        m.mkdir()
        (m / "model.safetensors").write_bytes(os.urandom(args.mib << 20))
        (m / "README.md").write_text("# signed\n")
        key = ec.generate_private_key(ec.SECP256R1())
        (d / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
        (d / "k.pub").write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                                serialization.PublicFormat.SubjectPublicKeyInfo))
        model_signing.signing.Config().use_elliptic_key_signer(private_key=d / "k.pem").set_hashing_config(
            model_signing.hashing.Config().set_ignored_paths(paths=["model.sig"])).sign(m, m / "model.sig")
        for keys in ([], [d / "k.pub"]):
            def run(keys: list[Path] = keys) -> None:
                with integrity.trusting(keys=keys):
                    truecard.scan(m)
            label = "with --trust-key" if keys else "signer stated only"
            print(f"{args.mib} MiB signed folder, {label}: {best(run) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
