def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    try:
        reply = llm.invoke(EXTRACTION_PROMPT.format_messages(text=text)).content
        data = json.loads(reply[reply.index("{"):reply.rindex("}") + 1])
        return ClaimFields.model_validate(data), "llm"
    except (LLMError, ValueError):
        pass
    try:
        return ClaimFields.model_validate(extract_with_rules(text)), "llm"
    except ValidationError:
        return None, "manual"
