# wrong because: step 1 asks the model with EXTRACTION_PROMPT.format_messages(text=text) (system instructions + the text); this sends the bare text, so the model never gets the instructions and JSON keys.
# counterexample: a chat model that answers the valid JSON only when its first message is the system prompt (and "How can I help?" otherwise) must give source "llm" for the example letter; this gives "rules".
def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    try:
        reply = llm.invoke(text).content
        raw = reply[reply.index("{"):reply.rindex("}") + 1]
        return ClaimFields.model_validate(json.loads(raw)), "llm"
    except (LLMError, ValueError):
        pass
    try:
        return ClaimFields.model_validate(extract_with_rules(text)), "rules"
    except ValidationError:
        return None, "manual"
