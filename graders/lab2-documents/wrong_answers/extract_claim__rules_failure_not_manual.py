# wrong because: step 4 returns (None, "manual") when the rules' fields do not validate either; this validates the rules' fields without catching ValidationError, so the error escapes.
# counterexample: extract_claim("Hello, my bike was stolen yesterday.", FakeListChatModel(responses=["no JSON"])) must return (None, "manual"); this raises ValidationError.
def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    try:
        reply = llm.invoke(EXTRACTION_PROMPT.format_messages(text=text)).content
        raw = reply[reply.find("{"):reply.rfind("}") + 1]
        return ClaimFields.model_validate(json.loads(raw)), "llm"
    except (LLMError, json.JSONDecodeError, ValidationError):
        pass
    return ClaimFields.model_validate(extract_with_rules(text)), "rules"
