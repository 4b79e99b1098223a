/*
 * The participant strategy's residual risk (DESIGN.md "Strategy participant"): during the joint rolling restart some
 * source nodes still run the source's own view (n voters) while the joiners and the restarted source nodes run the
 * joint view (n + k voters). If the leader is lost then (a crash, a pause, a partition), everyone elects again, each
 * with its own view. Can two leaders be established at once? docs/model.md has the answer and the trail.
 *
 *   -DN_SRC=n  source voters (default 3), sids 0..n-1
 *   -DK=k      joiners (default 2), sids n..n+k-1 (the highest, as in the plans)
 *
 * Same Fast Leader Election rules and the same recvset abstraction as election.pml (its default), plus what a view
 * changes (FastLeaderElection.validVoter): a node ignores notifications from, or naming, a server outside its view,
 * and its quorum is a majority of its own view; a leader counts only followers in its view.
 */

#ifndef N_SRC
#define N_SRC 3
#endif
#ifndef K
#define K 2
#endif
#define N (N_SRC + K)
#define QOLD (N_SRC / 2 + 1)
#define QJOINT (N / 2 + 1)
#define NONE 255

#define LOOKING   1
#define FOLLOWING 2
#define LEADING   3

bit joint[N];        /* runs the joint view (joiners, and source nodes already restarted) */
byte zx[N];          /* last zxid: equal before each restart (the coordinator checks), or one transaction apart */
byte st[N];
byte prop[N];
byte sent[N];        /* bit c: this node broadcast a LOOKING vote for c */
byte leader = NONE;  /* the first leader established */

/* Whether a's vote beats b's (totalOrderPredicate; one epoch here, so zxid then sid). */
#define BETTER(a, b) (zx[a] > zx[b] || (zx[a] == zx[b] && (a) > (b)))
/* Whether x is a voter in node me's view (validVoter). */
#define INVIEW(me, x) (joint[me] || (x) < N_SRC)
#define QUORUM(me) (joint[me] -> QJOINT : QOLD)

/* k counts for c at me: k is in my view, and k broadcast c or decided for c (the recvset abstraction of election.pml). */
#define NAMES(k, c) ((INVIEW(me, k) && ((sent[k] & (1 << (c))) != 0 || (st[k] >= FOLLOWING && prop[k] == (c)))) -> 1 : 0)
#define DECIDEDFOR(k, c) ((k) != me && INVIEW(me, k) && st[k] >= FOLLOWING && prop[k] == (c))

inline decide(me, c, n, i) {
  prop[me] = c;
  st[me] = (c == me -> LEADING : FOLLOWING);
  printf("node %d (%d-node view) decides: %d leads\n", me, (joint[me] -> N : N_SRC), c);
  if
  :: st[c] == LEADING ->
     n = 0;
     i = 0;
     do
     :: i < N -> if :: INVIEW(c, i) && st[i] >= FOLLOWING && prop[i] == c -> n++ :: else -> skip fi; i++
     :: else -> break
     od;
     if
     :: n >= QUORUM(c) ->
        printf("node %d is established: a quorum of its view follows it\n", c);
        if :: leader == NONE -> leader = c :: else -> assert(leader == c) fi   /* never two leaders at once */
     :: else -> skip
     fi
  :: else -> skip
  fi;
  n = 0;
  i = 0
}

#define ADOPT(k, v) \
  :: d_step { \
       st[me] == LOOKING && INVIEW(me, k) && INVIEW(me, v) && (sent[k] & (1 << (v))) != 0 && BETTER(v, prop[me]) -> \
       prop[me] = (v); sent[me] = sent[me] | (1 << (v)) \
     }

#define DECIDE(c) \
  :: d_step { \
       st[me] == LOOKING && INVIEW(me, c) && \
       ((c) == prop[me] || ((DECIDED_ANY(c)) && ((c) == me || st[c] == LEADING))) && VOTES(c) >= QUORUM(me) -> \
       decide(me, c, n, i) \
     }

#if N == 4
#define VOTES(c) (NAMES(0, c) + NAMES(1, c) + NAMES(2, c) + NAMES(3, c))
#define DECIDED_ANY(c) (DECIDEDFOR(0, c) || DECIDEDFOR(1, c) || DECIDEDFOR(2, c) || DECIDEDFOR(3, c))
#define ROW(k) ADOPT(k, 0) ADOPT(k, 1) ADOPT(k, 2) ADOPT(k, 3) DECIDE(k)
#define STEPS ROW(0) ROW(1) ROW(2) ROW(3)
#elif N == 5
#define VOTES(c) (NAMES(0, c) + NAMES(1, c) + NAMES(2, c) + NAMES(3, c) + NAMES(4, c))
#define DECIDED_ANY(c) (DECIDEDFOR(0, c) || DECIDEDFOR(1, c) || DECIDEDFOR(2, c) || DECIDEDFOR(3, c) || DECIDEDFOR(4, c))
#define ROW(k) ADOPT(k, 0) ADOPT(k, 1) ADOPT(k, 2) ADOPT(k, 3) ADOPT(k, 4) DECIDE(k)
#define STEPS ROW(0) ROW(1) ROW(2) ROW(3) ROW(4)
#elif N == 7
#define VOTES(c) (NAMES(0, c) + NAMES(1, c) + NAMES(2, c) + NAMES(3, c) + NAMES(4, c) + NAMES(5, c) + NAMES(6, c))
#define DECIDED_ANY(c) (DECIDEDFOR(0, c) || DECIDEDFOR(1, c) || DECIDEDFOR(2, c) || DECIDEDFOR(3, c) || DECIDEDFOR(4, c) || DECIDEDFOR(5, c) || DECIDEDFOR(6, c))
#define ROW(k) ADOPT(k, 0) ADOPT(k, 1) ADOPT(k, 2) ADOPT(k, 3) ADOPT(k, 4) ADOPT(k, 5) ADOPT(k, 6) DECIDE(k)
#define STEPS ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6)
#else
#error "n + k must be 4, 5 or 7"
#endif

proctype Node(byte me) {
  byte n, i;
  d_step { st[me] = LOOKING; prop[me] = me; sent[me] = 1 << me }
end:
  do
  STEPS
  od
}

init {
  byte i, old;
  atomic {
    /*
     * The moment of the rolling restart: the joiners run the joint view; each source node has been restarted with it
     * or not yet, and at least one has not (the leader goes last: once it is restarted no view is mixed).
     * Zxids: equal, or any node one transaction ahead.
     */
    i = 0;
    do
    :: i < N ->
       if :: i >= N_SRC -> joint[i] = 1 :: i < N_SRC -> if :: joint[i] = 0; old++ :: joint[i] = 1 fi fi;
       if :: zx[i] = 1 :: zx[i] = 2 fi;
       i++
    :: else -> break
    od;
    old > 0;
    old = 0;
    /* The leader is lost: every voter is LOOKING again, each with the view it runs. */
    i = 0;
    do :: i < N -> run Node(i); i++ :: else -> break od;
    i = 0
  }
}
