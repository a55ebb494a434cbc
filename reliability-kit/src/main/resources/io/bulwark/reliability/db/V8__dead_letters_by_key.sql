-- an aggregate's dead letters, by their key, for its trail (the operator's timeline of one order);
-- dead letters are few, so the index costs little
CREATE INDEX dead_letter_by_key ON bulwark.dead_letter (message_key) WHERE message_key IS NOT NULL;
