"""The sentence encoder's two backends give the same vectors; a cold draft imports no torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from helpers import CORPUS

TEXTS = ["The budget was approved.", "Bo will book the hall for the summer fair next June, with a stall for cakes.",
         "x", "Apologies were received from Ann Lee and Bo Chen " * 20]


@pytest.mark.slow
def test_onnx_and_torch_backends_agree():
    from pipeline.themes.encoder import Encoder, EncoderConfig

    onnx = Encoder(EncoderConfig(backend="onnx"))
    torch = Encoder(EncoderConfig(backend="torch"))
    a, b = onnx.encode(TEXTS), torch.encode(TEXTS)
    assert onnx.backend == "onnx" and torch.backend == "torch"
    assert a.shape == (4, 384) and np.abs(a - b).max() < 1e-4
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_a_cold_analysis_imports_neither_torch_nor_scikit_learn():
    code = ("import sys\nfrom pipeline.api import analyse\n"
            f"m = analyse({str(CORPUS / 'seed' / 'seed-minutes.txt')!r})\n"
            "assert m.themes and m.summaries\n"
            "print(','.join(k for k in ('torch', 'transformers', 'sklearn') if k in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""
