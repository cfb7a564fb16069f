# wrong because: step 3 falls back to the rules when the model fails with an LLMError (e.g. the gateway refused); LLMError is not a ValueError, and this only catches ValueError, so the error escapes.
# counterexample: extract_claim(letter, llm) with a chat model whose call raises LLMError("refused by policy") must return (ClaimFields(policy_number="NV-MOT-1234567", ...), "rules"); this raises LLMError.
def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    reply = llm.invoke(EXTRACTION_PROMPT.format_messages(text=text)).content
    try:
        raw = reply[reply.index("{"):reply.rindex("}") + 1]
        return ClaimFields.model_validate(json.loads(raw)), "llm"
    except ValueError:
        pass
    try:
        return ClaimFields.model_validate(extract_with_rules(text)), "rules"
    except ValidationError:
        return None, "manual"
