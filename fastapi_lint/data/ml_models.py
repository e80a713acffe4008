"""Calls that load machine-learning model weights (FAPI308): slow (seconds) and memory-hungry,
meant to run once per process. Qualified names as the resolver spells them."""

from __future__ import annotations

# Functions and classes whose call loads a model from a file or a hub.
MODEL_LOADERS = frozenset({
    "joblib.load",
    "torch.load",
    "torch.jit.load",
    "pickle.load",  # of a file; pickle.loads of request bytes is another matter
    "spacy.load",
    "sentence_transformers.SentenceTransformer",
    "sentence_transformers.CrossEncoder",
    "transformers.pipeline",
    "tensorflow.keras.models.load_model",
    "keras.models.load_model",
    "keras.saving.load_model",
    "tensorflow.saved_model.load",
    "onnxruntime.InferenceSession",
    "whisper.load_model",
    "fasttext.load_model",
})

# `<class>.from_pretrained(...)` on a class of one of these packages.
PRETRAINED_PACKAGES = ("transformers", "diffusers", "peft", "sentence_transformers", "optimum")
PRETRAINED_METHODS = frozenset({"from_pretrained"})
