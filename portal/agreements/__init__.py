"""Cooperation agreements between member organizations: what is rendered (document.py) and the PDF (pdf.py)."""
