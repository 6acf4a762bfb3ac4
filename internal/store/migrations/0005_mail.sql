-- E-mail delivery of inbox messages: when each message was e-mailed to its
-- organisation's contact (0 = not yet; -1 = no address to send to).
ALTER TABLE inbox ADD COLUMN emailed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX inbox_unmailed ON inbox (emailed_at, id);
