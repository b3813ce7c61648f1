"""Explorers: ipywidgets controls wired to the analyses and charts, one module per explorer.

Each explorer is a small class. Its controls are public attributes (``ex.sections``,
``ex.top_n``), it keeps ONE matplotlib figure and redraws it in place, shows it as a PNG in an
``Image`` widget, and exposes what it last computed as ``ex.result`` (a DataFrame) and
``ex.figure``. A test sets ``ex.top_n.value = 10`` and checks ``ex.result`` without a browser.
"""
