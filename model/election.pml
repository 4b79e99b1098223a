/*
 * The destination's election after the cut (DESIGN.md step 6), for Spin.
 * docs/model.md says what this abstracts, how to run it, and what Spin measured.
 *
 *   -DM=3|5|7      destination voters (default 3)
 *   -DSEED         the seed's procedure: every node restarted at once (Spin must find a truncation)
 *   -DNO_EPOCH_RULE  the first wave ignores vote epochs (Spin must find a truncation: the epoch part is needed)
 *   -DRECVSET      keep every node's recvset, delivered link by link (the default abstracts it; see below)
 *   -DVACUITY      Spin must fail: a second-wave node decides (so the checks above are reached, not vacuous)
 *   -DPRINT_WAVES  simulation only: print the first wave the coordinator's rule picks for every input the
 *                  verifier explores, so a test can compare it with ElectionOrder.Decide
 *
 * Fast Leader Election as in ZooKeeper 3.8 (FastLeaderElection.java at release-3.8.6): a vote is ordered by
 * (peer epoch, zxid, sid) (totalOrderPredicate); a LOOKING node adopts a better vote and re-broadcasts it; it decides
 * once a quorum of the votes in its recvset equal its own proposal (getVoteTracker + hasAllQuorums, the 3.4
 * termPredicate); a late node follows a leader once a quorum of its recvset names that leader and the leader's own
 * notification says LEADING (receivedFollowingNotification + checkLeader).
 */

#ifndef M
#define M 3
#endif
#define Q (M / 2 + 1)
#define ZMAX 3        /* zxid levels 1..ZMAX: only their order matters to FLE and to ElectionOrder */
#define EMAX 2        /* vote epochs 1..EMAX (the currentEpoch file) */
#define NONE 255

/* Peer states (QuorumPeer.ServerState); STOPPED = not started yet by the coordinator. */
#define STOPPED   0
#define LOOKING   1
#define FOLLOWING 2
#define LEADING   3

/*
 * A recvset entry: 0 = nothing received; c+1 = a LOOKING vote for candidate c; M+1+c = the sender FOLLOWING c;
 * LEADMARK = the sender announcing it LEADS.
 */
#define FOLLOWMARK(c) (M + 1 + (c))
#define LEADMARK (2 * M + 1)

/*
 * Inputs as the agents read them from disk. They are chosen, the coordinator's rule is applied to them, and then
 * every node is renamed by the rank of its vote and these arrays are cleared (see init), so inputs whose
 * elections are the same up to renaming are explored once.
 */
byte zx[M];
byte ep[M];
bit inFirst[M];

/* From here on nodes are renamed by vote rank (see init); BETTER compares two votes. */
bit safe[M];          /* held the highest zxid on disk */
bit second[M];        /* started in the second wave */
byte st[M];           /* peer state */
byte prop[M];         /* LOOKING: the proposed leader; FOLLOWING/LEADING: the leader decided on */
#ifdef RECVSET
byte rs[M * M];       /* rs[j*M+k]: the vote j last received from k (recvset, keyed by sender) */
#endif
byte sent[M];         /* bit c of sent[k]: k has broadcast a LOOKING vote for c */
byte leader = NONE;   /* the first leader that a quorum follows */
bit go1;              /* the first wave's start barrier fired */
bit go2;              /* the second wave's start barrier fired */
byte pos[M];          /* second-wave node w's vote beats exactly the first-wave nodes 0 .. pos[w]-1 */

/* Whether a vote for a beats a vote for b (totalOrderPredicate) after the renaming. */
#ifdef SEED
#define BETTER(a, b) ((a) > (b))
#else
#define BETTER(a, b) \
  (((a) < Q) == ((b) < Q) -> (a) > (b) : ((a) >= Q -> pos[a] > (b) : pos[b] <= (a)))
#endif

#define ENTRY(j, k) rs[(j) * M + (k)]

#ifdef RECVSET
/*
 * -DRECVSET: every node keeps its recvset, one entry per sender, fed by deliveries one link at a time. The
 * default abstracts it away (below); this form is kept to check the abstraction against, at m = 3 and 5.
 */

/* Whether k's entry in j's recvset names candidate c (Vote.equals ignores the state when one side is LOOKING). */
#define NAMES(j, k, c) ((ENTRY(j, k) == (c) + 1 || ENTRY(j, k) == FOLLOWMARK(c) || ((k) == (c) && ENTRY(j, k) == LEADMARK)) -> 1 : 0)
#define CHECKLEADER(c) ((c) == me || ENTRY(me, c) == LEADMARK)
#define FORGET(me, i) i = 0; do :: i < M -> ENTRY(me, i) = 0; i++ :: else -> break od

/*
 * Receive from k a LOOKING vote for v. k broadcasts a strictly better vote each time (totalOrderPredicate), and its
 * notifications reach me in the order sent (one TCP connection), but any of them may be lost: QuorumCnxManager
 * queues one message per peer and drops the older (SEND_CAPACITY = 1). So I may receive any vote k broadcast that
 * is newer than the last I received from k, and none once k's decided answer has arrived.
 */
#define DELIVER(k, v) \
  :: d_step { \
       st[me] == LOOKING && (k) != me && (sent[k] & (1 << (v))) != 0 && ENTRY(me, k) < (v) + 1 -> \
       ENTRY(me, k) = (v) + 1; \
       if \
       :: BETTER(v, prop[me]) -> \
          prop[me] = (v); ENTRY(me, me) = (v) + 1; sent[me] = sent[me] | (1 << (v)); \
          printf("node %d receives %d's vote for %d and adopts it\n", me, k, v) \
       :: else -> skip \
       fi \
     }

/* A node that has decided answers a LOOKING node with its decided vote and state (WorkerReceiver); it sends it
 * after its LOOKING votes, so none of those arrive after it. */
#define ANSWER(k) \
  :: d_step { \
       st[me] == LOOKING && (k) != me && st[k] >= FOLLOWING && ENTRY(me, k) <= M -> \
       ENTRY(me, k) = (st[k] == LEADING -> LEADMARK : FOLLOWMARK(prop[k])) \
     }
#if M == 3
#define FROM(k) DELIVER(k, 0) DELIVER(k, 1) DELIVER(k, 2) ANSWER(k) DECIDE(k)
#elif M == 5
#define FROM(k) DELIVER(k, 0) DELIVER(k, 1) DELIVER(k, 2) DELIVER(k, 3) DELIVER(k, 4) ANSWER(k) DECIDE(k)
#else
#define FROM(k) DELIVER(k, 0) DELIVER(k, 1) DELIVER(k, 2) DELIVER(k, 3) DELIVER(k, 4) DELIVER(k, 5) DELIVER(k, 6) ANSWER(k) DECIDE(k)
#endif

#else
/*
 * Default: the recvset abstracted to what it could hold. A LOOKING node's entry for k can only be a vote k
 * broadcast (any of them: delays, losses, reconnects) or, once k has decided, k's answer naming its leader. So j may
 * count k for c whenever k ever broadcast c or decided for c: one entry per sender, as in the recvset, but any of
 * the values it could have. This allows more decisions than ZooKeeper does (no delivery order, no overwrites), so
 * a property that holds here holds for every delivery order. Receiving a vote that does not beat my proposal only
 * changes my recvset, so only receipts that change my proposal are steps of their own.
 */
#define NAMES(j, k, c) (((sent[k] & (1 << (c))) != 0 || (st[k] >= FOLLOWING && prop[k] == (c))) -> 1 : 0)
/* The following path starts from a FOLLOWING or LEADING notification naming c; checkLeader: c leads, or c is me. */
#define CHECKLEADER(c) (DECIDEDFOR(c) && ((c) == me || st[c] == LEADING))
#define DECIDED(k, c) ((k) != me && st[k] >= FOLLOWING && prop[k] == (c))
#define FORGET(me, i) skip

/* Some node broadcast v, and v beats my proposal: adopt it and re-broadcast (totalOrderPredicate). */
#define ADOPT(v) \
  :: d_step { \
       st[me] == LOOKING && (ALLSENT & (1 << (v))) != 0 && BETTER(v, prop[me]) -> \
       prop[me] = (v); sent[me] = sent[me] | (1 << (v)); \
       printf("node %d adopts the vote for %d\n", me, v) \
     }
#define FROM(k) ADOPT(k) DECIDE(k)
#if M == 3
#define ALLSENT (sent[0] | sent[1] | sent[2])
#define DECIDEDFOR(c) (DECIDED(0, c) || DECIDED(1, c) || DECIDED(2, c))
#elif M == 5
#define ALLSENT (sent[0] | sent[1] | sent[2] | sent[3] | sent[4])
#define DECIDEDFOR(c) (DECIDED(0, c) || DECIDED(1, c) || DECIDED(2, c) || DECIDED(3, c) || DECIDED(4, c))
#else
#define ALLSENT (sent[0] | sent[1] | sent[2] | sent[3] | sent[4] | sent[5] | sent[6])
#define DECIDEDFOR(c) (DECIDED(0, c) || DECIDED(1, c) || DECIDED(2, c) || DECIDED(3, c) || DECIDED(4, c) || DECIDED(5, c) || DECIDED(6, c))
#endif
#endif

#if M == 3
#define VOTES(j, c) (NAMES(j, 0, c) + NAMES(j, 1, c) + NAMES(j, 2, c))
#define STEPS FROM(0) FROM(1) FROM(2)
#elif M == 5
#define VOTES(j, c) (NAMES(j, 0, c) + NAMES(j, 1, c) + NAMES(j, 2, c) + NAMES(j, 3, c) + NAMES(j, 4, c))
#define STEPS FROM(0) FROM(1) FROM(2) FROM(3) FROM(4)
#elif M == 7
#define VOTES(j, c) (NAMES(j, 0, c) + NAMES(j, 1, c) + NAMES(j, 2, c) + NAMES(j, 3, c) + NAMES(j, 4, c) + NAMES(j, 5, c) + NAMES(j, 6, c))
#define STEPS FROM(0) FROM(1) FROM(2) FROM(3) FROM(4) FROM(5) FROM(6)
#else
#error "M must be 3, 5 or 7"
#endif

/*
 * Node me decides for c. If c leads and a quorum (c included) has decided for it, c is established: its followers
 * will sync to its log, truncating anything past it. The property: an established leader held the highest zxid,
 * and no quorum of second-wave nodes alone ever decides.
 */
inline decide(me, c, n, i) {
  prop[me] = c;
  st[me] = (c == me -> LEADING : FOLLOWING);
  printf("node %d (safe %d, wave %d) decides: %d leads\n", me, safe[me], second[me] + 1, c);
  /* A node out of the election never reads its recvset again: forget it (fewer states, same behaviours). */
  FORGET(me, i);
#ifdef VACUITY
  assert(!second[me]);                 /* -DVACUITY: must fail, or the second wave never decides */
#endif
#ifndef SEED
  assert(!second[me] || !second[c]);   /* a second-wave node only ever follows a first-wave node */
#endif
  if
  :: st[c] == LEADING ->
     n = 0;
     i = 0;
     do
     :: i < M -> if :: st[i] >= FOLLOWING && prop[i] == c -> n++ :: else -> skip fi; i++
     :: else -> break
     od;
     if
     :: n >= Q ->
        printf("node %d is established: a quorum follows it\n", c);
        assert(safe[c]);                /* nobody is truncated below what it held on disk */
        if :: leader == NONE -> leader = c :: else -> assert(leader == c) fi
     :: else -> skip
     fi
  :: else -> skip
  fi;
  n = 0;
  i = 0
}

/*
 * Decide for c: either c is my proposal and a quorum of my recvset agrees (the finalize wait may end at any time:
 * the better vote can always be late), or a quorum of my recvset names c and c announced LEADING (or c is me):
 * receivedFollowingNotification with checkLeader.
 */
#define DECIDE(c) \
  :: d_step { \
       st[me] == LOOKING && ((c) == prop[me] || CHECKLEADER(c)) && VOTES(me, c) >= Q -> \
       decide(me, c, n, i) \
     }

proctype Node(byte me) {
  byte n, i;

  /* The start barrier for my wave fires; I may start any time after it (JVM start-up, scheduling). */
  (go1 && !second[me]) || (go2 && second[me]);
  d_step {
    st[me] = LOOKING;
    prop[me] = me;
#ifdef RECVSET
    ENTRY(me, me) = me + 1;   /* my own notification comes back through my queue: counted at once */
#endif
    sent[me] = 1 << me;
    printf("node %d (safe %d, wave %d) starts LOOKING\n", me, safe[me], second[me] + 1)
  }
end:
  do
  STEPS
  od
}

/* The rank of node a's vote among all nodes: (epoch, zxid, sid), totalOrderPredicate's order. */
#define BEATS(a, b) (ep[a] > ep[b] || (ep[a] == ep[b] && (zx[a] > zx[b] || (zx[a] == zx[b] && a > b))))

/*
 * The coordinator's first wave, ElectionOrder.Decide: every node at the highest zxid (highest sid first), then
 * nodes behind whose vote epoch is at most the lowest epoch among those at the highest zxid (highest zxid first,
 * then highest sid), until Q nodes. picked < Q: the coordinator refuses to start any.
 */
inline firstWave(hi, lowEp, picked, z, i) {
  hi = 0;
  i = 0;
  do :: i < M -> if :: zx[i] > hi -> hi = zx[i] :: else -> skip fi; i++ :: else -> break od;
  lowEp = EMAX;
  i = 0;
  do :: i < M -> if :: zx[i] == hi && ep[i] < lowEp -> lowEp = ep[i] :: else -> skip fi; i++ :: else -> break od;
  picked = 0;
  z = hi;
  do
  :: z > 0 ->
     i = M;
     do
     :: i > 0 ->
        i--;
#ifdef NO_EPOCH_RULE
        if :: zx[i] == z && picked < Q -> inFirst[i] = 1; picked++ :: else -> skip fi
#else
        if :: zx[i] == z && picked < Q && (z == hi || ep[i] <= lowEp) -> inFirst[i] = 1; picked++ :: else -> skip fi
#endif
     :: else -> break
     od;
     z--
  :: else -> break
  od
}

#ifdef PRINT_WAVES
/*
 * Every input the verifier explores (zxids non-decreasing in sid, the last at ZMAX; any epochs), in a fixed order,
 * with the first wave the rule picks: "wave e=<epochs> z=<zxids> first=<sids>|refused", sids from 0.
 */
init {
  byte hi, lowEp, picked, z, i, c;
  bit more = 1;
  i = 0;
  do :: i < M -> zx[i] = 1; ep[i] = 1; i++ :: else -> break od;
  zx[M - 1] = ZMAX;
  do
  :: more ->
     i = 0;
     do :: i < M -> inFirst[i] = 0; i++ :: else -> break od;
     firstWave(hi, lowEp, picked, z, i);
     printf("wave e=");
     i = 0;
     do :: i < M -> printf("%d", ep[i]); i++ :: else -> break od;
     printf(" z=");
     i = 0;
     do :: i < M -> printf("%d", zx[i]); i++ :: else -> break od;
     if
     :: picked < Q -> printf(" refused\n")
     :: else ->
        printf(" first=");
        c = 0;
        i = 0;
        do :: i < M -> if :: inFirst[i] -> if :: c > 0 -> printf(",") :: else -> skip fi; printf("%d", i); c++ :: else -> skip fi; i++ :: else -> break od;
        printf("\n")
     fi;
     /* next input: epochs count in binary; when they wrap, the next non-decreasing zxid sequence */
     i = 0;
     do
     :: i < M && ep[i] == EMAX -> ep[i] = 1; i++
     :: i < M && ep[i] < EMAX -> ep[i]++; break
     :: i == M ->
        i = M - 1;
        do
        :: i > 0 && zx[i - 1] == ZMAX -> i--
        :: i > 0 && zx[i - 1] < ZMAX ->
           zx[i - 1]++;
           z = i;
           do :: z < M - 1 -> zx[z] = zx[i - 1]; z++ :: else -> break od;
           break
        :: i == 0 -> more = 0; break
        od;
        break
     od
  :: else -> break
  od
}
#else
init {
  byte hi, lowEp, picked, z, i, j, r;

  atomic {
    /*
     * Inputs. Sorting by zxid is no loss: renaming nodes in zxid order (stable on sid) keeps the vote order, the
     * coordinator's order and the property, so every input is one of these up to renaming. Only the zxids' order
     * matters, so the highest is ZMAX.
     */
    i = 0;
    do
    :: i < M ->
       if :: ep[i] = 1 :: ep[i] = 2 fi;
       if
       :: i == M - 1 -> zx[i] = ZMAX
       :: else ->
          zx[i] = (i > 0 -> zx[i - 1] : 1);
          do :: zx[i] < ZMAX -> zx[i]++ :: break od
       fi;
       i++
    :: else -> break
    od;

#ifdef SEED
    i = 0;
    do :: i < M -> inFirst[i] = 1; i++ :: else -> break od;
    picked = M;
#else
    firstWave(hi, lowEp, picked, z, i);
#endif
    /* No safe first wave: the coordinator refuses (UnsafeElectionException) and nothing starts. */
    picked >= Q;

    hi = 0;
    i = 0;
    do :: i < M -> if :: zx[i] > hi -> hi = zx[i] :: else -> skip fi; i++ :: else -> break od;
#ifdef SEED
    /* Rename every node by the rank of its vote, record who held the highest zxid, forget the concrete values. */
    i = 0;
    do
    :: i < M ->
       r = 0;
       j = 0;
       do :: j < M -> if :: BEATS(i, j) -> r++ :: else -> skip fi; j++ :: else -> break od;
       safe[r] = (zx[i] == hi);
       i++
    :: else -> break
    od;
#else
    /*
     * Rename the first wave 0..Q-1 in vote order, the second wave Q..M-1 in vote order; where the second wave's
     * votes fall among the first wave's is chosen when it starts (every placement: more than the inputs give).
     */
    i = 0;
    do
    :: i < M ->
       if
       :: inFirst[i] ->
          r = 0;
          j = 0;
          do :: j < M -> if :: inFirst[j] && BEATS(i, j) -> r++ :: else -> skip fi; j++ :: else -> break od;
          safe[r] = (zx[i] == hi)
#ifndef NO_EPOCH_RULE
          ;
          /* Why the rule is safe, checked for every input: a node behind in the first wave has a vote below
           * every first-wave node at the highest zxid, so none of those ever votes for it. */
          j = 0;
          do :: j < M -> assert(zx[i] == hi || !(inFirst[j] && zx[j] == hi) || BEATS(j, i)); j++ :: else -> break od
#endif
       :: else -> skip
       fi;
       i++
    :: else -> break
    od;
    i = 0;
    do :: i < M -> second[i] = (i >= Q); i++ :: else -> break od;
#endif
    i = 0;
    do :: i < M -> zx[i] = 0; ep[i] = 0; inFirst[i] = 0; i++ :: else -> break od;
    hi = 0; lowEp = 0; picked = 0; z = 0; j = 0; r = 0;

    i = 0;
    do :: i < M -> run Node(i); i++ :: else -> break od;
    i = 0;
    go1 = 1
  }

#ifndef SEED
  /* The coordinator: the second wave starts once the first has one leader that every other first-wave node follows. */
  do
  :: atomic {
       leader != NONE ->
       i = 0;
       do
       :: i < M && (second[i] || i == leader || (st[i] == FOLLOWING && prop[i] == leader)) -> i++
       :: else -> break
       od;
       if
       :: i == M ->
          /*
           * While the second wave was stopped, each first-wave node's notifications to it waited in a send queue
           * of one (QuorumCnxManager.SEND_CAPACITY, the older dropped): of the LOOKING votes it broadcast, only the
           * newest can reach a second-wave node.
           */
          i = 0;
          do
          :: i < M ->
             if
             :: !second[i] ->
                z = M;
                do :: z > 0 && (sent[i] & (1 << (z - 1))) == 0 -> z-- :: else -> break od;
                sent[i] = 1 << (z - 1)
             :: else -> skip
             fi;
             i++
          :: else -> break
          od;
          /* Where the second wave's votes fall among the first wave's: any placement that keeps their order. */
          i = Q;
          do
          :: i < M ->
             pos[i] = (i > Q -> pos[i - 1] : 0);
             do :: pos[i] < Q -> pos[i]++ :: break od;
             i++
          :: else -> break
          od;
          i = 0;
          z = 0;
          go2 = 1;
          break
       :: else -> i = 0
       fi
     }
  od
#endif
}
#endif
