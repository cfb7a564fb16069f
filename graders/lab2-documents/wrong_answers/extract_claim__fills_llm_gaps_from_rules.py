# wrong because: step 2 returns the model's validated claim as it is; this fills the fields the model left null with the rules' values, so the "llm" claim is not the model's answer.
# counterexample: for letter + "\nPhone: 030/9876543" and a model answering the visible JSON (phone null), the result must be (claim with phone None, "llm"); this returns phone "030/9876543".
def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    rules = extract_with_rules(text)
    try:
        reply = llm.invoke(EXTRACTION_PROMPT.format_messages(text=text)).content
        data = json.loads(reply[reply.index("{"):reply.rindex("}") + 1])
        merged = {k: (v if v is not None else rules.get(k)) for k, v in data.items()}
        return ClaimFields.model_validate(merged), "llm"
    except (LLMError, ValueError):
        pass
    try:
        return ClaimFields.model_validate(rules), "rules"
    except ValidationError:
        return None, "manual"
