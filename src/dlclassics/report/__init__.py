"""Plots (matplotlib, Agg) and the HTML report of ``dlc tour``."""
