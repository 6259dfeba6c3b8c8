"""A corpus of nasty inputs for the fuzz tests (Hypothesis adds random ones)."""

NASTY_TEXTS = [
    "",
    " ",
    "\n\t\r",
    "\x00\x01\x02\x1b[31m",
    "\u202eevil\u202c",
    "😀😀😀",
    "🤒🤢🥵",
    "x" * 100_000,  # 100 KB: refused with a message
    "baclofen " * 300,
    "¿Qué es el baclofeno? Tengo fiebre",
    "我停止服用巴氯芬后看到虫子",
    "أشعر بالدوار",
    "Я перестал принимать баклофен",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "/restart",
    '/inform_route{"route": "pump"}',
    '/red_flag{"symptom": "fever"}',
    '/report_symptoms{"route":"tablets","situation":"tapering","anything_else":"no"}',
    "//////",
    '{"message": "nested json"}',
    "%s%s%s%n",
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/x}",
    "null",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]

WRONG_SHAPES = [
    None,
    [],
    "just a string",
    42,
    {"sender": "s"},
    {"message": 42, "sender": "s"},
    {"message": ["a"], "sender": "s"},
    {"message": {"text": "x"}, "sender": "s"},
    {"message": "hi", "sender": ["s"]},
]
