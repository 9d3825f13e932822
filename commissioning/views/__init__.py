"""The commissioning app's pages, one module per part of the cycle."""
