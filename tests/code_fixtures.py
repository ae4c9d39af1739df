"""A small project written into tmp_path for the code scan/fix/check tests."""

from __future__ import annotations

import json
from pathlib import Path

from model_access.config import load_config
from model_access.state import AppState

APP_PY = '''"""Service using gpt-4o for chat."""
import openai
from openai import OpenAI, AzureOpenAI
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

MODEL = "gpt-4-32k"
client = OpenAI()
resp = client.chat.completions.create(model="gpt-4o-mini", messages=[])
r2 = client.responses.create(model=MODEL, input="hi")
emb = client.embeddings.create(model="gpt-4o", input="x")
old = openai.ChatCompletion.create(engine="text-davinci-003", messages=[])
llm = ChatOpenAI(model="gpt-5-pro")
e = OpenAIEmbeddings(model="text-embedding-3-small")
tok = "gpt2"
other = "claude-3-opus"
flag = "--o1-mini"
enc = "o200k_base"
if name.startswith("gpt-4"):
    pass
if "gpt-4" in name:
    pass
az = AzureOpenAI(azure_deployment="my-gpt4o")
typo = client.chat.completions.create(model="gpt4o", messages=[])
unk = client.chat.completions.create(model="gpt-4o-mega", messages=[])
ft = client.chat.completions.create(model="ft:gpt-4o-mini-2024-07-18:acme:demo:abc123", messages=[])
joined = "gpt-" + "4o"
fs = f"gpt-{'4o'}"
PRICES = {"gpt-6-luna": 2.5, "o3": 15}
routed = "openrouter/openai/gpt-4.1"
label = "café gpt-5.6-sol"  # é before: columns count code points
uni = "é"; m2 = "gpt-5.6-sol"
'''

CHAT_TS = """import OpenAI from "openai";
import { openai } from "@ai-sdk/openai";
// default model: gpt-4o
const client = new OpenAI();
const re = /"gpt-4o"/g;
const r = await client.chat.completions.create({ model: "gpt-4-32k", messages: [] });
const m = openai("gpt-4o-mini");
const e = openai.embedding(`text-embedding-3-small`);
if (name.startsWith("gpt-4")) {}
"""

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "source": ["# Demo with gpt-4o\n"]},
        {
            "cell_type": "code",
            "source": ["%pip install openai\n", "r = client.chat.completions.create(\n", '    model="o1-mini")\n'],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def make_state(tmp_path: Path, **extra: str) -> AppState:
    env = {"MODEL_ACCESS_TODAY": "2026-11-23", "MODEL_ACCESS_ROOTS": str(tmp_path), **extra}
    return AppState(load_config(env))


def write_project(root: Path, outside: Path | None = None) -> Path:
    proj = root / "proj"
    (proj / "src").mkdir(parents=True)
    (proj / "web").mkdir()
    (proj / "src" / "app.py").write_text(APP_PY, encoding="utf-8")
    (proj / "web" / "chat.ts").write_text(CHAT_TS, encoding="utf-8")
    (proj / "nb.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    (proj / ".env").write_text("OPENAI_MODEL=gpt-3.5-turbo-16k\n# fallback gpt-4o\nOTHER=hello\n", encoding="utf-8")
    (proj / "config.yaml").write_text('llm:\n  model: "o1-preview"\n  name: gpt-4o-based thing\n', encoding="utf-8")
    (proj / "pyproject.toml").write_text('[tool.ai]\nmodel = "gpt-4.1"\n', encoding="utf-8")
    (proj / "README.md").write_text("# Docs\nWe use gpt-4o and GPT-4 here.\n", encoding="utf-8")
    (proj / "crlf.py").write_bytes(b'\xef\xbb\xbfMODEL = "gpt-4-32k"\r\nx = 1  # keep\r\n')
    (proj / "blob.bin.json").write_bytes(b'{"m": "gpt-4o"}\x00\x01')
    (proj / "ignored").mkdir()
    (proj / "ignored" / "a.py").write_text('M = "gpt-4-32k"\n', encoding="utf-8")
    (proj / "keep.log.py").write_text('M = "gpt-4-32k"\n', encoding="utf-8")
    (proj / ".git").mkdir()  # a repository: ripgrep applies .gitignore only inside one
    (proj / ".gitignore").write_text("ignored/\n*.log.py\n!keep.log.py\nnode_modules/\n", encoding="utf-8")
    (proj / "dist").mkdir()  # build output is code unless an ignore file says otherwise
    (proj / "dist" / "bundle.js").write_text('const m = "gpt-4-32k";\n', encoding="utf-8")
    (proj / "node_modules" / "x").mkdir(parents=True)
    (proj / "node_modules" / "x" / "i.js").write_text('const m = "gpt-4-32k";\n', encoding="utf-8")
    (proj / ".venv").mkdir()
    (proj / ".venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    if outside is not None:
        (proj / "escape").symlink_to(outside)
    return proj
