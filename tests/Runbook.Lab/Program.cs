// Lab helper entry point (seeding corpora etc.); filled in by the lab work.
return 0;
