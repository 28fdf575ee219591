/**
 * An answer that parses but cannot be a correct one (a FETCH item twice, a UID beyond 2^32-1 or
 * outside the set asked for, a message the folder holds left unanswered). One wrong row can mean
 * the whole answer was framed wrong, so none of it is used: the command fails, loudly, naming what
 * was wrong. The message reads after "the server's answer": "names FLAGS twice".
 */
export class MalformedAnswer extends Error {}
