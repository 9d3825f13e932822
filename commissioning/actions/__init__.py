"""Everything that writes in the commissioning app, one module per part of the cycle."""
