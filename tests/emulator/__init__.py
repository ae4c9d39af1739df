# An OpenAI API emulator for tests: a real HTTP server on 127.0.0.1 that the real `openai`
# SDK talks to through `base_url`. Never patch the client; point it here instead:
#
#     with Emulator() as emu:
#         client = openai.OpenAI(api_key=emu.key("alpha"), base_url=emu.base_url, max_retries=0)
from __future__ import annotations

from .faults import FAULT_HEADER, FAULT_KINDS, Fault, FaultKind
from .fixtures import REVOKED_KEY, UNKNOWN_MODEL, default_world, fake_key
from .remote import RemoteControl
from .server import Emulator, RequestRecord, fingerprint
from .world import ApiKey, ModelPermissions, ModelSpec, Organization, Project, World

__all__ = [
    "FAULT_HEADER",
    "FAULT_KINDS",
    "REVOKED_KEY",
    "UNKNOWN_MODEL",
    "ApiKey",
    "Emulator",
    "Fault",
    "FaultKind",
    "ModelPermissions",
    "ModelSpec",
    "Organization",
    "Project",
    "RemoteControl",
    "RequestRecord",
    "World",
    "default_world",
    "fake_key",
    "fingerprint",
]
