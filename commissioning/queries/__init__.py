"""Reads of the commissioning app that are more than one line, one module per part of the cycle."""
