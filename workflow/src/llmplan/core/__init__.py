"""Foundations every stage uses: errors, units and conversions, the interval convention, lines.

Nothing here imports from another llmplan sub-package.
"""
