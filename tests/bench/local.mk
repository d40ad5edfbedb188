# tests/bench/local.mk - placeholder until this part lands
