# tests/fault/local.mk - placeholder
