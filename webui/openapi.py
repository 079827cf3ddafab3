"""The OpenAPI 3.0 description of the JSON API (served at /api/v1/openapi.json)."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "field", "message"],
            "properties": {
                "status": {"type": "integer"},
                "field": {"type": "string", "description": "the field of the request that is wrong"},
                "message": {"type": "string"},
                "fix": {"type": "string"},
            },
        }
    },
}
TEXT = {"type": "object", "properties": {"sv": {"type": "string"}, "en": {"type": "string"}}, "nullable": True}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def spec(ws) -> dict:
    modules = list(ws.kb.modules)
    answer = {
        "description": "true/false, a choice id, a list of choice ids, a number, 'YYYY-MM-DD', or 'dont_know'",
        "oneOf": [{"type": "boolean"}, {"type": "string"}, {"type": "number"}, {"type": "array", "items": {"type": "string"}}],
    }
    answers = {"type": "object", "additionalProperties": answer, "description": "question id → raw answer"}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Vägvisare API",
            "version": "1",
            "description": "First-line guidance on IP, the EU MDR/IVDR, funding, consortia and commercialisation. "
            "Nothing sent is stored. This is guidance, not legal advice.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/modules": {
                "get": {
                    "summary": "The guides",
                    "operationId": "modules",
                    "responses": {
                        "200": {
                            "description": "every guide",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Module"}}}
                            },
                        },
                        "429": _error("too many requests"),
                    },
                }
            },
            "/api/v1/modules/{module}/questions": {
                "get": {
                    "summary": "The questions of one guide",
                    "operationId": "questions",
                    "parameters": [{"name": "module", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "its questions",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}}}
                            },
                        },
                        "404": _error("unknown module"),
                        "429": _error("too many requests"),
                    },
                }
            },
            "/api/v1/evaluate": {
                "post": {
                    "summary": "The outcome of a set of answers (as `vagvisare evaluate --format json`)",
                    "operationId": "evaluate",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["module"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "module": {"type": "string", "enum": modules},
                                        "answers": answers,
                                        "as_of": {"type": "string", "format": "date", "description": "apply the law as of this date"},
                                        "lang": {"type": "string", "enum": ["sv", "en"]},
                                        "given": {
                                            "type": "object",
                                            "description": "answers to other guides whose results this guide reads (module → answers)",
                                            "additionalProperties": answers,
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "the outcome",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Outcome"}}},
                        },
                        "400": _error("a field is wrong; `field` names it"),
                        "413": _error("the body is too large"),
                        "429": _error("too many requests"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": ERROR,
                "Text": TEXT,
                "Module": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"$ref": "#/components/schemas/Text"},
                        "intro": {"$ref": "#/components/schemas/Text"},
                        "goals": {"type": "array", "items": {"type": "string"}},
                        "inputs": {"type": "array", "items": {"type": "string"}},
                        "version": {"type": "string"},
                    },
                },
                "Question": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "type": {"type": "string", "enum": ["boolean", "choice", "multichoice", "number", "date"]},
                        "text": {"$ref": "#/components/schemas/Text"},
                        "choices": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Outcome": {
                    "type": "object",
                    "required": ["module", "as_of", "kb_version", "complete", "conclusions", "recommendations"],
                    "properties": {
                        "module": {"type": "string"},
                        "as_of": {"type": "string"},
                        "kb_version": {"type": "string"},
                        "module_version": {"type": "string"},
                        "complete": {"type": "boolean"},
                        "next_question": {"type": "string", "nullable": True},
                        "conclusions": {"type": "object"},
                        "recommendations": {"type": "array", "items": {"type": "object"}},
                        "unused_answers": {"type": "object"},
                        "open_goals": {"type": "array", "items": {"type": "string"}},
                        "not_answered": {"type": "array", "items": {"type": "string"}},
                        "trace": {"type": "array", "items": {"type": "object"}},
                        "uncertainty": {"type": "object"},
                    },
                },
            }
        },
    }
