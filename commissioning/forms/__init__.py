"""Forms of the commissioning app, one module per part of the cycle."""
