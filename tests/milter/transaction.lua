-- transaction.lua - one SMTP transaction against a running origin-milter,
-- driven by Debian's miltertest. Parameters (miltertest -D NAME=VALUE):
--   SOCK    milter socket (unix:/path)
--   LOGIN   {auth_authen}; "" = not authenticated (macro absent, as Postfix)
--   SENDER  MAIL FROM argument, e.g. <alice@example.com>
--   CLIENT  client IP address
--   AT      where the verdict is expected: mail | rcpt | eom
--   EXPECT  accept | continue | reply  (reply = SMFIR_REPLYCODE)
--   CODE, XCODE, TEXT  with AT=eom and EXPECT=reply: the exact SMTP reply
--   FROMHDR, FROMHDR2, SENDERHDR  (optional) From: value(s) instead of
--           SENDER, and a Sender: header; "\r", "\n", "\t" in them stand
--           for CR, LF, TAB, so a folded header goes out as the MTA passes it
-- Optional (unset or "" = not used):
--   DNAME   {daemon_name} at connect (default mail1), DPORT {daemon_port}
--   ADDHDRS yes | no: whether the filter asked for the add-header action
--   HDRNAME, HDRVALUE  a header the filter must add at end of message
--   NOHDR   a header name the filter must NOT add
--   MTAV    the v macro at connect (Sendmail: "8.17.1"), default none
--   AUTHTYPE {auth_type} at MAIL when LOGIN is "" (an MTA that passes
--           {auth_type} but not {auth_authen})
--   QID     the `i' macro (default 4XQID1)
--   BODYREP how many times the body's lines are sent (default 1)
-- Exits non-zero (error()) on any mismatch, naming it.

local function fail(what)
  error("MISMATCH " .. what, 0)
end

local want = { accept = SMFIR_ACCEPT, continue = SMFIR_CONTINUE,
               reply = SMFIR_REPLYCODE }

-- a parameter that may be unset, or its default
local function param(name, default)
  local v = _G[name]
  if v == nil or v == "" then return default end
  return v
end
local qid = param("QID", "4XQID1")
local bodyrep = tonumber(param("BODYREP", "1"))

-- check the reply to a step
local function check(step, expected)
  local r = mt.getreply(conn)
  if r ~= expected then
    fail(step .. ": got reply " .. tostring(r) .. ", expected " .. tostring(expected))
  end
end

-- optional parameters: nil when not given
local function opt(v)
  if v == nil or v == "" then return nil end
  return v
end
DNAME = opt(DNAME) or "mail1"
DPORT = opt(DPORT) or "25"

conn = mt.connect(SOCK, 50, 0.1)
if conn == nil then fail("cannot connect to " .. SOCK) end
if opt(MTAV) then
  mt.macro(conn, SMFIC_CONNECT, "j", "mail1.example.com", "{daemon_name}", DNAME,
           "{daemon_port}", DPORT, "{daemon_addr}", "127.0.0.1", "v", MTAV)
else
  mt.macro(conn, SMFIC_CONNECT, "j", "mail1.example.com", "{daemon_name}", DNAME,
           "{daemon_port}", DPORT, "{daemon_addr}", "127.0.0.1")
end
if mt.conninfo(conn, "client.example", CLIENT) ~= nil then fail("conninfo") end
if opt(ADDHDRS) == "yes" and not mt.test_action(conn, SMFIF_ADDHDRS) then
  fail("the filter did not ask for SMFIF_ADDHDRS")
end
if opt(ADDHDRS) == "no" and mt.test_action(conn, SMFIF_ADDHDRS) then
  fail("the filter asked for SMFIF_ADDHDRS")
end

if LOGIN ~= "" then
  mt.macro(conn, SMFIC_MAIL, "{auth_authen}", LOGIN, "{auth_type}", "PLAIN",
           "i", qid)
elseif opt(AUTHTYPE) then
  mt.macro(conn, SMFIC_MAIL, "{auth_type}", AUTHTYPE, "i", qid)
else
  mt.macro(conn, SMFIC_MAIL, "i", qid)
end
if mt.mailfrom(conn, SENDER) ~= nil then fail("mailfrom send") end
if AT == "mail" then
  check("MAIL", want[EXPECT])
  mt.disconnect(conn)
  return
end
check("MAIL", SMFIR_CONTINUE)

if not mt.test_option(conn, SMFIP_NORCPT) then
  if mt.rcptto(conn, "<someone@elsewhere.example>") ~= nil then fail("rcpt send") end
  if AT == "rcpt" then
    check("RCPT", want[EXPECT])
    mt.disconnect(conn)
    return
  end
  check("RCPT", SMFIR_CONTINUE)
end
if not mt.test_option(conn, SMFIP_NODATA) then mt.data(conn) end
-- "\r", "\n", "\t" written in a -D value become CR, LF, TAB
local function unescape(v)
  return (v:gsub("\\r", "\r"):gsub("\\n", "\n"):gsub("\\t", "\t"))
end
if not mt.test_option(conn, SMFIP_NOHDRS) then
  if FROMHDR ~= nil and FROMHDR ~= "" then
    mt.header(conn, "From", unescape(FROMHDR))
  else
    mt.header(conn, "From", SENDER)
  end
  if FROMHDR2 ~= nil and FROMHDR2 ~= "" then
    mt.header(conn, "From", unescape(FROMHDR2))
  end
  if SENDERHDR ~= nil and SENDERHDR ~= "" then
    mt.header(conn, "Sender", unescape(SENDERHDR))
  end
  mt.header(conn, "To", "<someone@elsewhere.example>")
  mt.header(conn, "Subject", "test " .. SENDER)
end
if not mt.test_option(conn, SMFIP_NOEOH) then mt.eoh(conn) end
if not mt.test_option(conn, SMFIP_NOBODY) then
  for i = 1, bodyrep do
    mt.bodystring(conn, "line one\r\n.dot line\r\nlast line\r\n")
  end
end
if mt.eom(conn) ~= nil then fail("eom send") end
check("EOM", want[EXPECT])
if EXPECT == "reply" then
  if not mt.eom_check(conn, MT_SMTPREPLY, CODE, XCODE, TEXT) then
    fail("EOM reply is not " .. CODE .. " " .. XCODE .. " " .. TEXT)
  end
end
if opt(HDRNAME) ~= nil and
   not mt.eom_check(conn, MT_HDRADD, HDRNAME, HDRVALUE) then
  fail("no header " .. HDRNAME .. ": " .. HDRVALUE .. " added")
end
if opt(NOHDR) ~= nil and mt.eom_check(conn, MT_HDRADD, NOHDR) then
  fail("header " .. NOHDR .. " added")
end
mt.disconnect(conn)
