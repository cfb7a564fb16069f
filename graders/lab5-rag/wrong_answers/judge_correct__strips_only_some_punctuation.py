# wrong because: strips a fixed set of characters from the first word ('.*!,:') instead of every non-letter
# counterexample: reply '(CORRECT)' or '"Correct"' gives None, should be True
def judge_correct(question, gold_answer, candidate, llm):
    """True / False: the judge model's verdict on candidate against gold_answer; None when it gave none."""
    if is_refusal(candidate):
        return False
    reply = (JUDGE_PROMPT | llm | StrOutputParser()).invoke(
        {"question": question, "gold": gold_answer, "candidate": candidate})
    word = (reply.split() or [""])[0].strip(".*!,:").upper()
    return {"CORRECT": True, "INCORRECT": False}.get(word)
