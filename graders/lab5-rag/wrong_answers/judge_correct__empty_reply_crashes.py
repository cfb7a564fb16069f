# wrong because: takes reply.split()[0] without a guard: an empty reply raises IndexError
# counterexample: says('') raises IndexError, should return None
def judge_correct(question, gold_answer, candidate, llm):
    """True / False: the judge model's verdict on candidate against gold_answer; None when it gave none."""
    if is_refusal(candidate):
        return False
    reply = (JUDGE_PROMPT | llm | StrOutputParser()).invoke(
        {"question": question, "gold": gold_answer, "candidate": candidate})
    word = re.sub(r"[^A-Za-z]", "", reply.split()[0]).upper()
    return {"CORRECT": True, "INCORRECT": False}.get(word)
