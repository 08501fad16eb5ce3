#!/usr/bin/python3
"""Regenerate metadata.json: metadata inputs and how Python's email parser
(compat32, the parser pypa/packaging's parse_email uses) splits them into
headers and body. Run with /usr/bin/python3.
"""
import base64
import email.header
import email.parser
import email.policy
import json
import random
import sys

random.seed(822)
pieces = [
    "Metadata-Version: 2.1", "Name: foo", "Version: 1.0", "Summary: a summary  ",
    "Description: line one", "        line two", "       |line three", "\tcontinued",
    " ", "", "From someone", "From: a@b", ":empty-name", "Bad Header: x", "Name:nospace",
    "Classifier: A :: B", "Classifier: C :: D", "Keywords: a,b", "x-custom:  v ",
    "body text", "# Title", "Summary: caf\u00e9", "Author: \u00c9mile", "Summary: =?utf-8?q?hi?=",
    "Name\t: tab", "Na me: sp", "\u00e9: x", "Summary:", "Summary:    ",
]
endings = ["\n", "\r\n", "\r"]
cases = []
for _ in range(900):
    n = random.randint(0, 9)
    parts = []
    for _ in range(n):
        parts.append(random.choice(pieces) + random.choice(endings if random.random() < 0.2 else ["\n"]))
    if random.random() < 0.3:
        parts.append("\n" + random.choice(["", "Body\n", "Body\r\nline\r\n", "\n\nx", "Name: not a header\n"]))
    if parts and random.random() < 0.2:
        parts[-1] = parts[-1].rstrip("\r\n")
    cases.append("".join(parts))
out = []
for c in dict.fromkeys(cases):
    data = c.encode("utf-8")
    msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)
    fields = []
    for k, v in msg.items():
        if isinstance(v, email.header.Header):
            v = str(email.header.make_header([(b, "utf8") for b, _ in email.header.decode_header(v)]))
        fields.append([k, v])
    body = msg.get_payload(decode=True).decode("utf-8")
    out.append({"input": base64.b64encode(data).decode(), "fields": fields, "body": body})
json.dump(out, sys.stdout, indent=0, ensure_ascii=True)
sys.stdout.write("\n")
