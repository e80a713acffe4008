"""The analysis layer: everything rules know about the code, each concept defined once.

Rules only detect: they ask this layer (through ``self.ctx`` and the functions of these
modules) and report. See ARCHITECTURE.md for the layers and the import rule.
"""
