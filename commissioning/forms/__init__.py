"""The commissioning app's forms, one module per part of the cycle."""
