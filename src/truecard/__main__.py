from truecard._entry import main

main()
