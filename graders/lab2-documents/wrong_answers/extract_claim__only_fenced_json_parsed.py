# wrong because: step 2 parses the text from the first "{" to the last "}"; this only unwraps a ```json fence (else parses the whole reply), so JSON wrapped in plain prose is taken for "no JSON".
# counterexample: a model answering 'Sure! {"policy_number": "NV-MOT-1234567", ...valid fields...} Anything else?' must give source "llm"; this gives "rules".
def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    try:
        reply = llm.invoke(EXTRACTION_PROMPT.format_messages(text=text)).content
        fence = re.search(r"```(?:json)?\s*(.*?)\s*```", reply, re.S)
        raw = fence.group(1) if fence else reply.strip()
        return ClaimFields.model_validate(json.loads(raw)), "llm"
    except (LLMError, ValueError):
        pass
    try:
        return ClaimFields.model_validate(extract_with_rules(text)), "rules"
    except ValidationError:
        return None, "manual"
