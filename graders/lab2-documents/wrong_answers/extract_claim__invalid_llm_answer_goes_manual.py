# wrong because: step 3 uses the rules also when the model's JSON does not validate; this sends a model answer that fails validation straight to (None, "manual"), skipping the rules.
# counterexample: extract_claim(letter, FakeListChatModel(responses=[the visible answer with "policy_number": "NV-CAR-1234567"])) must return (claim, "rules") with policy_number "NV-MOT-1234567"; this returns (None, "manual").
def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    try:
        reply = llm.invoke(EXTRACTION_PROMPT.format_messages(text=text)).content
        data = json.loads(reply[reply.index("{"):reply.rindex("}") + 1])
    except (LLMError, ValueError):
        try:
            return ClaimFields.model_validate(extract_with_rules(text)), "rules"
        except ValidationError:
            return None, "manual"
    try:
        return ClaimFields.model_validate(data), "llm"
    except ValidationError:
        return None, "manual"
