"""studykit: study Chinese policy documents in JupyterLab."""

from __future__ import annotations

__version__ = "0.1.0"
